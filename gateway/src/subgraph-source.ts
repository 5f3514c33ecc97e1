import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context.js';

/** The error a client sees for a subgraph that cannot be reached: the service's name, not its address or the cause. */
export function serviceUnavailable(service: string): GraphQLError {
  return new GraphQLError(`The ${service} service is unavailable; data from it is missing from this response`, {
    extensions: { code: 'SERVICE_UNAVAILABLE', service },
  });
}

/**
 * How the gateway calls one subgraph: Node's fetch with a deadline, so a hung subgraph costs
 * one error instead of a hung request, and the request id travels for log correlation.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly name: string;

  constructor(name: string, url: string, timeoutMs: number) {
    const fetcher: Fetcher = async (input, init) => {
      try {
        return (await fetch(input, { ...(init as RequestInit), signal: AbortSignal.timeout(timeoutMs) })) as never;
      } catch {
        // Connection refused, reset or timed out: the cause and the address stay in here.
        throw serviceUnavailable(name);
      }
    };
    super({ url, fetcher });
    this.name = name;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context && 'requestId' in context) request.http?.headers.set('x-request-id', context.requestId);
  }
}
