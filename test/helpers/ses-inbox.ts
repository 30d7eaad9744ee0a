/** What the local SES holds: `GET /store` of aws-ses-v2-local. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: Array<{ name: string; value: string }>;
  at: number;
}

export const inbox = async (sesUrl: string): Promise<StoredEmail[]> => {
  const res = await fetch(`${sesUrl}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
};

export const mailTo = async (sesUrl: string, address: string) =>
  (await inbox(sesUrl)).filter((e) =>
    e.destination.to.some((to) => to.toLowerCase() === address.toLowerCase()),
  );

/** The raw MIME of a stored message, as SES would hand it to the recipient's server. */
export const rawMime = async (sesUrl: string, messageId: string): Promise<string> => {
  const res = await fetch(`${sesUrl}/get-emlContent?messageId=${encodeURIComponent(messageId)}`);
  // The emulator answers {messageId, fileName, body: Buffer as JSON}.
  const { body } = (await res.json()) as { body: { data: number[] } };
  return Buffer.from(body.data).toString('utf8');
};
