import { runSubgraph } from '@ehr/common';
import { patientSubgraph } from './server.js';

runSubgraph(patientSubgraph);
