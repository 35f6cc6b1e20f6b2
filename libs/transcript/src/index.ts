/**
 * @packageDocumentation
 * Conformance transcripts: the protobuf format of recorded Tezos P2P sessions
 * (conformance/schema/transcript.proto), decoded into typed values and validated, whole-file reading
 * and atomic writing, a streaming writer with bounded memory, and a `SessionTap` that records live
 * sessions as transcripts.
 */
export * from './types.js';
export { TranscriptError, type TranscriptErrorCode } from './errors.js';

export { encodeTranscript, decodeTranscript, encodeRecords, encodeEnd } from './codec.js';
export { TRANSCRIPT_EXTENSION, readTranscriptFile, writeTranscriptFile, listTranscriptFiles } from './files.js';
export { TranscriptWriter, type TranscriptWriterOptions } from './writer.js';
export { transcriptToJson } from './json.js';
export { transcriptRecorder, MemoryTranscriptSink, type TranscriptSink, type RecorderOptions } from './recorder.js';
export { MessageBoundaries, kindOfTag } from './message-boundaries.js';
