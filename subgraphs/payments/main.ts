import { runSubgraph } from '../run';

void runSubgraph('payments', process.env);
