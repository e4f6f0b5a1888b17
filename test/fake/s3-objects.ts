import { type DeleteObjectsCommandOutput, type ListObjectVersionsCommandOutput, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { type Out } from './service';
import { S3Buckets, type Input, type BucketState, type VersionState } from './s3-state';

/** S3 object commands: PutObject, DeleteObjects with versions and delete markers, paginated listings. */
export abstract class S3Objects extends S3Buckets {
  protected putObject(i: Input): unknown {
    const b = this.bucket(i);
    const body = i.Body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new Error('fake account: PutObject takes a string or bytes body');
    }
    const v = this.write(b, String(i.Key), Buffer.from(body ?? ''));
    return { ETag: v.etag, ...(b.versioning === 'Enabled' ? { VersionId: v.versionId } : {}) };
  }

  protected deleteObject(b: BucketState, key: string, versionId: string | undefined): { DeleteMarker?: boolean; VersionId?: string } {
    const versions = b.objects.get(key) ?? [];
    if (versionId !== undefined) {
      const gone = versions.find((v) => v.versionId === versionId);
      const left = versions.filter((v) => v !== gone);
      if (left.length > 0) b.objects.set(key, left);
      else b.objects.delete(key);
      return { VersionId: versionId, ...(gone?.deleteMarker ? { DeleteMarker: true } : {}) };
    }
    if (b.versioning === 'Enabled') {
      const marker: VersionState = { versionId: this.newVersionId(), body: Buffer.alloc(0), etag: '', modified: new Date(this.env.now()), deleteMarker: true };
      b.objects.set(key, [...versions, marker]);
      return { DeleteMarker: true, VersionId: marker.versionId };
    }
    const left = versions.filter((v) => v.versionId !== 'null');
    if (left.length > 0) b.objects.set(key, left);
    else b.objects.delete(key);
    return {};
  }

  protected deleteObjects(i: Input): Out<DeleteObjectsCommandOutput> {
    const b = this.bucket(i);
    const objects = (i.Delete as { Objects?: { Key?: string; VersionId?: string }[]; Quiet?: boolean } | undefined)?.Objects ?? [];
    if (objects.length > 1000)
      throw this.errors.make('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    const Deleted = objects.map((o) => {
      const r = this.deleteObject(b, o.Key ?? '', o.VersionId);
      return {
        Key: o.Key,
        ...(o.VersionId ? { VersionId: o.VersionId } : {}),
        ...(r.DeleteMarker ? { DeleteMarker: true, ...(o.VersionId ? {} : { DeleteMarkerVersionId: r.VersionId }) } : {}),
      };
    });
    const quiet = (i.Delete as { Quiet?: boolean } | undefined)?.Quiet;
    return quiet ? {} : { Deleted };
  }

  protected listObjects(i: Input): Out<ListObjectsV2CommandOutput> {
    const b = this.bucket(i);
    const prefix = String(i.Prefix ?? '');
    const keys = [...b.objects]
      .filter(([k, vs]) => k.startsWith(prefix) && !vs[vs.length - 1].deleteMarker)
      .map(([k, vs]) => ({ k, v: vs[vs.length - 1] }))
      .sort((x, y) => (x.k < y.k ? -1 : 1));
    const start = i.ContinuationToken ? Number(Buffer.from(String(i.ContinuationToken), 'base64').toString()) : 0;
    const size = Math.min(Number(i.MaxKeys ?? 1000), this.opts.pageSize);
    const page = keys.slice(start, start + size);
    const truncated = start + size < keys.length;
    return {
      Name: b.name,
      Prefix: prefix,
      KeyCount: page.length,
      MaxKeys: Number(i.MaxKeys ?? 1000),
      IsTruncated: truncated,
      Contents: page.map(({ k, v }) => ({ Key: k, LastModified: v.modified, ETag: v.etag, Size: v.body.length, StorageClass: 'STANDARD' })),
      ...(truncated ? { NextContinuationToken: Buffer.from(String(start + size)).toString('base64') } : {}),
    };
  }

  protected listVersions(i: Input): Out<ListObjectVersionsCommandOutput> {
    const b = this.bucket(i);
    const prefix = String(i.Prefix ?? '');
    // Keys ascending; within a key, newest first: the order S3 lists versions in.
    const entries = [...b.objects]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .flatMap(([k, vs]) => [...vs].reverse().map((v, ix) => ({ k, v, latest: ix === 0 })));
    let start = 0;
    if (i.KeyMarker !== undefined) {
      const at = entries.findIndex((e) => e.k === i.KeyMarker && (i.VersionIdMarker === undefined || e.v.versionId === i.VersionIdMarker));
      start = i.VersionIdMarker === undefined ? entries.findIndex((e) => e.k > String(i.KeyMarker)) : at + 1;
      if (start < 0) start = entries.length;
    }
    const size = Math.min(Number(i.MaxKeys ?? 1000), this.opts.pageSize);
    const page = entries.slice(start, start + size);
    const truncated = start + size < entries.length;
    const last = page[page.length - 1];
    return {
      Name: b.name,
      Prefix: prefix,
      MaxKeys: Number(i.MaxKeys ?? 1000),
      IsTruncated: truncated,
      Versions: page
        .filter((e) => !e.v.deleteMarker)
        .map((e) => ({
          Key: e.k,
          VersionId: e.v.versionId,
          IsLatest: e.latest,
          LastModified: e.v.modified,
          ETag: e.v.etag,
          Size: e.v.body.length,
          StorageClass: 'STANDARD',
        })),
      DeleteMarkers: page.filter((e) => e.v.deleteMarker).map((e) => ({ Key: e.k, VersionId: e.v.versionId, IsLatest: e.latest, LastModified: e.v.modified })),
      ...(truncated && last ? { NextKeyMarker: last.k, NextVersionIdMarker: last.v.versionId } : {}),
    };
  }
}
