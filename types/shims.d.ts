declare module 'dynalite';
declare module 'asl-validator';
declare module 's3rver';
