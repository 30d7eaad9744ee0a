/**
 * S3 objects of the bulk jobs: presigned URLs (the upload of an import, the download of a result),
 * streamed reads from any byte offset (an import resumes mid-file), and a streamed multipart
 * writer whose parts can be written across Lambda invocations (an export of any size).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BucketName } from '#infra/buckets.ts';
import { bucketName, s3 } from './client.ts';

// Presigning only: without flexible checksums, which would sign a checksum of an empty body into
// an upload URL and make every real upload fail.
const signer = new S3Client({
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
  requestChecksumCalculation: 'WHEN_REQUIRED',
});

/** A URL that lets its holder PUT one object, for `seconds`. */
export const presignPut = (bucket: BucketName, key: string, seconds: number): Promise<string> =>
  getSignedUrl(signer, new PutObjectCommand({ Bucket: bucketName(bucket), Key: key }), {
    expiresIn: seconds,
  });

/** A URL that lets its holder GET one object, for `seconds`, downloaded as `filename`. */
export const presignGet = (
  bucket: BucketName,
  key: string,
  seconds: number,
  filename: string,
): Promise<string> =>
  getSignedUrl(
    signer,
    new GetObjectCommand({
      Bucket: bucketName(bucket),
      Key: key,
      ResponseContentDisposition: `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
      ResponseContentType: 'text/csv; charset=utf-8',
    }),
    { expiresIn: seconds },
  );

export const putObject = async (
  bucket: BucketName,
  key: string,
  body: string | Uint8Array,
  contentType = 'text/csv; charset=utf-8',
): Promise<void> => {
  await s3.send(
    new PutObjectCommand({ Bucket: bucketName(bucket), Key: key, Body: body, ContentType: contentType }),
  );
};

/** The object's size in bytes, or undefined when there is none. */
export const objectSize = async (bucket: BucketName, key: string): Promise<number | undefined> => {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucketName(bucket), Key: key }));
    return head.ContentLength ?? 0;
  } catch (error) {
    if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return undefined;
    throw error;
  }
};

/** The whole object as text (small objects: a job's parse summary), or undefined when there is none. */
export const getText = async (bucket: BucketName, key: string): Promise<string | undefined> => {
  try {
    const result = await s3.send(new GetObjectCommand({ Bucket: bucketName(bucket), Key: key }));
    return (await result.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
};

/**
 * The object's bytes from `offset` to its end, in the pieces S3 sends. Stopping early (a `break`
 * out of the loop) closes the connection: a step reads only as far as it gets.
 */
export async function* readFrom(bucket: BucketName, key: string, offset: number): AsyncGenerator<Uint8Array> {
  const result = await s3.send(
    new GetObjectCommand({
      Bucket: bucketName(bucket),
      Key: key,
      ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}),
    }),
  );
  const body = result.Body as AsyncIterable<Uint8Array> & { destroy?: () => void };
  try {
    for await (const chunk of body) yield chunk;
  } finally {
    body.destroy?.();
  }
}

/** S3's smallest part but the last. */
export const minPartBytes = 5 * 1024 * 1024;

/** A multipart upload in progress, as a job checkpoint keeps it between invocations. */
export interface MultipartState {
  uploadId: string;
  parts: Array<{ n: number; etag: string }>;
}

export async function start(bucket: BucketName, key: string): Promise<MultipartState> {
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucketName(bucket),
      Key: key,
      ContentType: 'text/csv; charset=utf-8',
    }),
  );
  if (!UploadId) throw new Error('CreateMultipartUpload answered no UploadId');
  return { uploadId: UploadId, parts: [] };
}

/**
 * Uploads part `n` (a retry of the same number replaces it, so a step redone after a crash
 * writes the same part again rather than another one).
 */
export async function part(
  bucket: BucketName,
  key: string,
  state: MultipartState,
  n: number,
  body: Uint8Array,
) {
  const { ETag } = await s3.send(
    new UploadPartCommand({
      Bucket: bucketName(bucket),
      Key: key,
      UploadId: state.uploadId,
      PartNumber: n,
      Body: body,
    }),
  );
  if (!ETag) throw new Error('UploadPart answered no ETag');
  return { n, etag: ETag };
}

export async function complete(bucket: BucketName, key: string, state: MultipartState): Promise<void> {
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucketName(bucket),
      Key: key,
      UploadId: state.uploadId,
      MultipartUpload: { Parts: state.parts.map((p) => ({ PartNumber: p.n, ETag: p.etag })) },
    }),
  );
}

export async function abort(bucket: BucketName, key: string, state: MultipartState): Promise<void> {
  await s3.send(
    new AbortMultipartUploadCommand({ Bucket: bucketName(bucket), Key: key, UploadId: state.uploadId }),
  );
}
