export { createGateway, type Gateway } from './server.js';
export { loadGatewayConfig, type AuthConfig, type GatewayConfig } from './config.js';
export { composeSupergraph, readSupergraph, SUPERGRAPH_FILE, ROOT, subgraphSchemaFile } from './supergraph.js';
export { analystSupergraph } from './analyst-supergraph.js';
