import { ownershipTags, TAG_STACK } from '../../../src/config/names';
import { kinesisTagText, streamOwnershipTags, streamOwnerTags } from '../../../src/components/stream-tags';
import { tagProblem } from '../../fake/tag-rules';
import { OTHER_STACK_ID, TEST_STACK_ID } from '../helpers/context';

describe('stream tags', () => {
  it('our ownership tags break the documented Kinesis tag rules as they are, and pass them in the Kinesis spelling', () => {
    const tags = ownershipTags('demo', TEST_STACK_ID);
    expect(tagProblem('kinesis', tags)).toMatch(/^Invalid tag key 'siem-pipeline:name'/);
    expect(streamOwnerTags(tags)).toEqual({ 'siem-pipeline/name': 'demo', 'siem-pipeline/stack': TEST_STACK_ID.replace(/:/g, '/') });
    expect(tagProblem('kinesis', streamOwnerTags(tags))).toBeUndefined();
  });

  it.each([
    ['this stack', { [kinesisTagText(TAG_STACK)]: kinesisTagText(TEST_STACK_ID) }, { [TAG_STACK]: TEST_STACK_ID }],
    ['another stack', { [kinesisTagText(TAG_STACK)]: kinesisTagText(OTHER_STACK_ID) }, { [TAG_STACK]: kinesisTagText(OTHER_STACK_ID) }],
    ['no one', { other: 'x' }, {}],
    ["this stack, in an earlier version's colon spelling", { [TAG_STACK]: TEST_STACK_ID }, { [TAG_STACK]: TEST_STACK_ID }],
    ['another stack, in the colon spelling', { [TAG_STACK]: OTHER_STACK_ID }, { [TAG_STACK]: OTHER_STACK_ID }],
  ])('reads the owner of a stream tagged by %s', (_who, stored, expected) => {
    expect(streamOwnershipTags(stored, TEST_STACK_ID)).toEqual(expected);
  });
});
