import { runMain } from '@ehr/common';
import { loadGatewayConfig } from './config.js';
import { createGateway } from './server.js';

runMain('gateway', async () => {
  const config = loadGatewayConfig();
  const gateway = await createGateway(config);
  const { url } = await gateway.listen(config.host, config.port);
  process.stdout.write(`gateway ready at ${url}/graphql\n`);
  return gateway;
});
