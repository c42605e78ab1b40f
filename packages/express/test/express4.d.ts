// `express4` is Express 4 installed under an alias for the tests; its API is the one typed here.
declare module 'express4' {
  import express from 'express';
  export default express;
}
