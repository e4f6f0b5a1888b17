import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** The virtual-hosted https URL CloudFormation reads a template from. */
export function objectUrl(bucket: string, region: string, key: string): string {
  const host = region === 'us-east-1' ? 's3.amazonaws.com' : `s3.${region}.amazonaws.com`;
  return `https://${bucket}.${host}/${key}`;
}

/**
 * Uploads the rendered template (larger than TemplateBody's 51,200 bytes) under a key named by its hash, so a
 * re-deploy of the same build reuses the object; returns its URL for TemplateURL.
 */
export async function uploadTemplate(s3: S3Client, bucket: string, region: string, body: string): Promise<string> {
  const key = `aws-siem-pipeline/${createHash('sha256').update(body).digest('hex').slice(0, 16)}.template.json`;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
  return objectUrl(bucket, region, key);
}
