// Publishing the rendered template: the S3 object, its regional https URL, the bucket policy other
// accounts need to read it, and a launch link per region. Planning is pure; only `upload` calls AWS.
'use strict';

const { createHash } = require('node:crypto');
const { HeadBucketCommand, PutObjectCommand } = require('@aws-sdk/client-s3');
const { launchLink, checkTemplateUrl } = require('./launch-link.cjs');

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const PREFIX = /^[A-Za-z0-9!_.*'()/-]{0,1000}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^\d{12}$/;
const TEMPLATE_FILE = 'siem-pipeline.template.json';

const partitionOf = (region) => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

/** The regional https URL of an object (path style when the bucket name has dots: TLS wildcards do not cover them). */
function objectUrl(bucket, region, key) {
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const path = key.split('/').map(encodeURIComponent).join('/');
  return bucket.includes('.') ? `https://s3.${region}.${domain}/${bucket}/${path}` : `https://${bucket}.s3.${region}.${domain}/${path}`;
}

/**
 * The bucket policy statement that lets other accounts read the template: principals of an organization
 * (aws:PrincipalOrgID) or listed accounts. Undefined when only the bucket's own account reads it.
 */
function readPolicy({ bucket, region, key, orgId, readerAccounts }) {
  if (orgId === undefined && readerAccounts.length === 0) return undefined;
  const statement = {
    Sid: 'ReadTheSiemPipelineTemplate',
    Effect: 'Allow',
    Principal: orgId !== undefined ? '*' : { AWS: readerAccounts.map((a) => `arn:${partitionOf(region)}:iam::${a}:root`) },
    Action: 's3:GetObject',
    Resource: `arn:${partitionOf(region)}:s3:::${bucket}/${key}`,
  };
  if (orgId !== undefined) statement.Condition = { StringEquals: { 'aws:PrincipalOrgID': orgId } };
  return { Version: '2012-10-17', Statement: [statement] };
}

/** Validates the options and plans the upload, URL, links and policy (no AWS call). */
function publishPlan(opts) {
  const { bucket, prefix = '', stackName = 'siem-pipeline', body, templateParameters, orgId, readerAccounts = [] } = opts;
  const regions = opts.regions && opts.regions.length > 0 ? opts.regions : undefined;
  if (!BUCKET.test(bucket || '') || bucket.includes('..')) throw new Error(`--bucket '${bucket}' is not an S3 bucket name`);
  if (!regions) throw new Error('--regions is required: the regions to print launch links for (e.g. us-east-1,eu-west-1)');
  for (const r of regions) if (!REGION.test(r)) throw new Error(`--regions: '${r}' is not a region name such as us-east-1`);
  const bucketRegion = opts.bucketRegion ?? regions[0];
  if (!REGION.test(bucketRegion)) throw new Error(`--bucket-region '${bucketRegion}' is not a region name such as us-east-1`);
  if (!PREFIX.test(prefix) || prefix.startsWith('/')) throw new Error(`--prefix '${prefix}' must be an S3 key prefix without a leading slash`);
  if (orgId !== undefined && !ORG_ID.test(orgId)) throw new Error(`--org-id '${orgId}' is not an organization id such as o-a1b2c3d4e5`);
  for (const a of readerAccounts) if (!ACCOUNT.test(a)) throw new Error(`--reader-accounts: '${a}' is not a 12-digit account id`);
  const key = `${prefix.replace(/\/+$/, '')}${prefix ? '/' : ''}${TEMPLATE_FILE}`;
  const templateUrl = objectUrl(bucket, bucketRegion, key);
  checkTemplateUrl(templateUrl);
  const links = regions.map((region) => ({ region, url: launchLink({ region, templateUrl, stackName, templateParameters }) }));
  return {
    putObject: { Bucket: bucket, Key: key, ContentType: 'application/json' },
    body,
    sha256: createHash('sha256').update(body).digest('hex'),
    bucketRegion,
    templateUrl,
    links,
    bucketPolicy: readPolicy({ bucket, region: bucketRegion, key, orgId, readerAccounts }),
  };
}

/** dist/launch.md: the template URL, a launch link per region and who may read the object. */
function launchMarkdown(plan) {
  const rows = plan.links.map((l) => `| ${l.region} | [Launch stack](${l.url}) |`);
  const access = plan.bucketPolicy
    ? [
        'Other accounts read the template through this bucket policy statement (add it to the bucket policy):',
        '',
        '```json',
        JSON.stringify(plan.bucketPolicy, null, 2),
        '```',
      ]
    : [
        "Only principals of the bucket owner's account can read the template (publish with --org-id or --reader-accounts for the bucket policy other accounts need).",
      ];
  return [
    '# Launch aws-siem-pipeline',
    '',
    `Template: ${plan.templateUrl} (sha256 ${plan.sha256}, bucket region ${plan.bucketRegion})`,
    '',
    '| region | link |',
    '|---|---|',
    ...rows,
    '',
    ...access,
    '',
  ].join('\n');
}

/**
 * Uploads the template: private (no ACL: the bucket's own policy and Block Public Access decide), as
 * application/json. First checks that the bucket is in the region the URL names, as S3 reports it.
 */
async function upload(plan, s3) {
  const bucket = plan.putObject.Bucket;
  let head;
  try {
    head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    // HEAD answers carry no error body: the status code is all there is.
    const status = err.$metadata && err.$metadata.httpStatusCode;
    if (status === 404) throw new Error(`bucket ${bucket} does not exist`, { cause: err });
    if (status === 403) throw new Error(`access to bucket ${bucket} is denied to these credentials`, { cause: err });
    throw err;
  }
  if (head.BucketRegion !== undefined && head.BucketRegion !== plan.bucketRegion) {
    throw new Error(`bucket ${bucket} is in ${head.BucketRegion}, not ${plan.bucketRegion}: pass --bucket-region ${head.BucketRegion}`);
  }
  return s3.send(new PutObjectCommand({ ...plan.putObject, Body: plan.body }));
}

module.exports = { publishPlan, launchMarkdown, upload, objectUrl };
