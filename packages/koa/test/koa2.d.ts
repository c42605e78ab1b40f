// `koa2` is Koa 2 installed under an alias for the tests; its API is the one typed here.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
