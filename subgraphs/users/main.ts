import { runSubgraph } from '../run';

void runSubgraph('users', process.env);
