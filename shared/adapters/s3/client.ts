import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import * as z from '#shared/schema/z.ts';
import { type BucketName, buckets } from '#infra/buckets.ts';
import { loadConfig } from '#shared/config/env.ts';

/**
 * One S3 client per process. Locally `AWS_ENDPOINT_URL_S3` points at the local S3, which serves
 * buckets by path (`http://127.0.0.1:port/<bucket>/<key>`) rather than by host name; in AWS the
 * default virtual-host addressing stays.
 */
export const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });

const names = new Map<BucketName, string>();

/** The physical name of a bucket, from the env var its definition declares (infra/buckets.ts). */
export const bucketName = (name: BucketName): string => {
  let value = names.get(name);
  if (!value) {
    const envVar = buckets[name].envVar;
    value = loadConfig({ [envVar]: z.string().check(z.minLength(3), z.maxLength(63)) })[envVar] as string;
    names.set(name, value);
  }
  return value;
};

/** The first bytes of an object, and its whole size. */
export interface ObjectHead {
  bytes: Buffer;
  /** The object's size in bytes, however much of it was read. */
  size: number;
}

/**
 * Reads at most `maxBytes` from the start of an object (one ranged GET), or undefined when there is
 * no such object. Reading a prefix keeps a huge object from costing memory or time.
 */
export const readHead = async (
  bucket: BucketName,
  key: string,
  maxBytes: number,
): Promise<ObjectHead | undefined> => {
  try {
    const result = await s3.send(
      new GetObjectCommand({ Bucket: bucketName(bucket), Key: key, Range: `bytes=0-${maxBytes - 1}` }),
    );
    const bytes = Buffer.from((await result.Body?.transformToByteArray()) ?? []);
    // `Content-Range: bytes 0-99/1234` when S3 cut it; no range header when it sent everything.
    const total = /\/(\d+)$/.exec(result.ContentRange ?? '')?.[1];
    return { bytes, size: total ? Number(total) : bytes.length };
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    // S3 refuses any range of an empty object.
    if ((error as { name?: string })?.name === 'InvalidRange') return { bytes: Buffer.alloc(0), size: 0 };
    throw error;
  }
};
