import { runSubgraph } from '../run';

void runSubgraph('wishlist', process.env);
