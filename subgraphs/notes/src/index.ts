import { runSubgraph } from '@ehr/common';
import { notesSubgraph } from './server.js';

runSubgraph(notesSubgraph);
