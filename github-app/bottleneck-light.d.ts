// bottleneck ships types for its main entry only; light.js has the same API.
declare module 'bottleneck/light.js' {
  const Bottleneck: unknown;
  export default Bottleneck;
}
