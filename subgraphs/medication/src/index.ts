import { runSubgraph } from '@ehr/common';
import { medicationSubgraph } from './server.js';

runSubgraph(medicationSubgraph);
