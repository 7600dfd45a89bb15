export async function writeReport(_file: string, _r: unknown): Promise<void> {
  throw new Error("report: not written yet");
}
