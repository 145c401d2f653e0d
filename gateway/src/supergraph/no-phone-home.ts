/**
 * @apollo/gateway, unless APOLLO_TELEMETRY_DISABLED is set when it is constructed, sends usage
 * telemetry to Apollo every hour and first probes the cloud metadata endpoints (AWS, GCP, Azure,
 * Alibaba: 169.254.169.254 and friends) to describe the host. A front door must not phone home or
 * probe the network it runs in, so the gateway always turns this off; it is not configurable.
 * This is the one place our code writes process.env, because the library reads nothing else.
 */
export function disableApolloGatewayTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
}
