// Replaced below once database fixtures exist.
export default async function setup(): Promise<void> {}
