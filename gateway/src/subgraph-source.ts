import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { serviceUnavailable, type InternalTokenSigner, type PeerFetch } from '@ehr/common';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context.js';

type ReceivedResponse = Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0];

/**
 * How the gateway calls one subgraph: a short-lived internal token for that subgraph only (the
 * client's token never leaves the gateway), the peer client's fetch with a deadline (over https
 * the subgraph must present a certificate of the pinned CA), and the request id.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly name: string;

  constructor(
    name: string,
    url: string,
    timeoutMs: number,
    private readonly signer: InternalTokenSigner,
    fetchPeer: PeerFetch = fetch,
  ) {
    const fetcher: Fetcher = async (input, init) => {
      try {
        return (await fetchPeer(input, { ...(init as RequestInit), signal: AbortSignal.timeout(timeoutMs) })) as never;
      } catch {
        // Connection refused, reset or timed out: the cause and the address stay in here.
        throw serviceUnavailable(name);
      }
    };
    super({ url, fetcher });
    this.name = name;
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if (!context || !('identity' in context)) throw new GraphQLError('no identity for a subgraph call');
    let token = context.internalTokens.get(this.name);
    if (!token) context.internalTokens.set(this.name, (token = this.signer.sign(context.identity, this.name)));
    request.http?.headers.set('authorization', `Bearer ${await token}`);
    request.http?.headers.set('x-request-id', context.requestId);
  }

  /** Keeps the subgraph's account of the de-identified release (analyst endpoint) for the response. */
  override didReceiveResponse({ response, context }: ReceivedResponse) {
    const deid = response.extensions?.deidentification;
    if (deid !== undefined && context.identity?.deidentified) context.deidentification = deid;
    return response;
  }
}
