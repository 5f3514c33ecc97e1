import { runSubgraph } from '@ehr/common';
import { auditSubgraph } from './server.js';

runSubgraph(auditSubgraph);
