/**
 * @packageDocumentation
 * Data_encoding's binary semantics for TypeScript: one description per layout drives encoding,
 * decoding and exact size computation; every failure is a typed error with a stable code, a byte
 * offset and a field path.
 */
export {
  type Encoding,
  type Decoded,
  type DecodeResult,
  type SizeClass,
  encode,
  decode,
  tryDecode,
  decodePrefix,
  sizeOf,
  DYNAMIC,
  VARIABLE,
} from './encoding.js';
export { CodedError, CodedErrorOf, withoutStack, type CodedErrorJson } from './coded-error.js';
export {
  DecodeError,
  EncodeError,
  EncodingDefinitionError,
  decodeErrorAt,
  encodeErrorAt,
  type DecodeErrorCode,
  type EncodeErrorCode,
  type PathSegment,
} from './errors.js';
export { Reader } from './reader.js';

export { uint8, int8, uint16, int16, int31, int32, uint30, int64, rangedInt } from './integers.js';
export { bool } from './bool.js';
export { Fixed, Variable, bytes, string, latin1String } from './bytes.js';
export { dynamicSize, checkSize, constant, empty, type LengthPrefix } from './dynamic-size.js';
export { conv } from './conv.js';
export { option } from './option.js';
export { list, variableList, listWithCount, type ListOptions } from './list.js';
export { obj, optional, mergeObjs, type OptionalField, type ObjValue, type FieldSpec } from './obj.js';
export { tuple } from './tuple.js';
export { union, unionCase, type UnionCase, type TagSize } from './union.js';
export { FrameReader, type FrameReaderOptions } from './frame-reader.js';
export { toHex, fromHex, bytesEqual, firstDifference, concatBytes } from './hex.js';
