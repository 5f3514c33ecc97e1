import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { emptyEntities, type FieldShape } from './partial-answers.js';
import type { Fetcher } from '@apollo/utils.fetcher';
import { requestBinding, serviceUnavailable, type InternalTokenSigner, type PeerFetch } from '@ehr/common';
import { GraphQLError } from 'graphql';
import type { Histogram } from 'prom-client';
import type { GatewayContext } from './context.js';

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;
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
    /** The supergraph's field shapes: an entity fetch to a subgraph that is down stands in empty. */
    private readonly shapes?: ReadonlyMap<string, FieldShape>,
    private readonly latency?: Histogram<'subgraph' | 'outcome'>,
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
    // One token per subgraph request, bound to its operation and variables: a token captured on
    // the wire answers nothing else, and nothing twice.
    const token = await this.signer.sign(context.identity, this.name, requestBinding(request.query, request.variables));
    request.http?.headers.set('authorization', `Bearer ${token}`);
    request.http?.headers.set('x-request-id', context.requestId);
  }

  /**
   * A subgraph that does not answer costs only its part of the answer: an entity fetch (a
   * patient's medications, notes) stands in with empty lists and nulls and one
   * SERVICE_UNAVAILABLE error, instead of failing the entity it extends (emptyEntities). Root
   * fields of that subgraph fail as before.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const end = this.latency?.startTimer({ subgraph: this.name });
    try {
      const response = await super.process(options);
      end?.({ outcome: response.errors?.length ? 'error' : 'ok' });
      return response;
    } catch (err) {
      end?.({
        outcome: err instanceof GraphQLError && err.extensions.code === 'SERVICE_UNAVAILABLE' ? 'unavailable' : 'error',
      });
      const reps = options.request.variables?.representations;
      const unavailable = err instanceof GraphQLError && err.extensions.code === 'SERVICE_UNAVAILABLE';
      if (!unavailable || !this.shapes || !Array.isArray(reps) || !options.request.query) throw err;
      const document = 'document' in options ? options.document : undefined;
      const entities = emptyEntities(document ?? options.request.query, reps, this.shapes);
      if (!entities) throw err;
      return {
        data: { _entities: entities },
        errors: [{ message: err.message, path: ['_entities'], extensions: { ...err.extensions } }],
      } as GatewayGraphQLResponse;
    }
  }

  /** Keeps the subgraph's account of the de-identified release (analyst endpoint) for the response. */
  override didReceiveResponse({ response, context }: ReceivedResponse) {
    const deid = response.extensions?.deidentification;
    if (deid !== undefined && context.identity?.deidentified) context.deidentification = deid;
    return response;
  }
}
