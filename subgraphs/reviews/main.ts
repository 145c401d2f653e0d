import { runSubgraph } from '../run';

void runSubgraph('reviews', process.env);
