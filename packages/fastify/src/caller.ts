/** Starts every setup error this package throws, so a message says where it comes from. */
export const CALLER = '@keyward/fastify';
