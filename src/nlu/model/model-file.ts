// The saved model: everything classify needs (features spec, labels, weights) plus the
// metadata a trainer or an analyst asks about (corpus hash, counts, date, decision settings).
import { z } from 'zod';
import { featureSpecSchema } from '../analysis/features.ts';
import { decisionSchema } from '../config.ts';
import { learnerSchema } from './learners.ts';
import { LinearModel } from './linear.ts';

export const MODEL_FORMAT = 'daehwa-nlu-model';
// Bumped whenever the analysis changes what features a text yields: older models then ask to be retrained.
export const MODEL_FORMAT_VERSION = 5;

const localeCounts = z.object({ ko: z.number().int(), en: z.number().int() });

export const modelMetaSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.literal(MODEL_FORMAT_VERSION),
  version: z.string().min(1),
  trainedAt: z.string().min(1),
  corpusHash: z.string(),
  counts: z.object({ utterances: z.number().int(), intents: z.record(z.string(), localeCounts) }),
  decision: decisionSchema,
  features: featureSpecSchema,
  training: z.object({ learner: learnerSchema, seconds: z.number() }),
});
export type ModelMeta = z.infer<typeof modelMetaSchema>;

export const modelFileSchema = modelMetaSchema.extend({
  labels: z.array(z.string()).min(1),
  vocabulary: z.array(z.string()),
  /** Float32 little-endian, base64: a quarter of the size of a JSON number array, and fast to load. */
  weights: z.string(),
  bias: z.array(z.number()),
  scale: z.number().positive(),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

export function encodeModel(meta: ModelMeta, model: LinearModel): ModelFile {
  const { labels, vocabulary, weights, bias, scale } = model.parameters;
  return {
    ...meta,
    labels,
    vocabulary,
    weights: Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength).toString('base64'),
    bias: [...bias],
    scale,
  };
}

export function decodeModel(file: ModelFile): LinearModel {
  const bytes = Buffer.from(file.weights, 'base64');
  const expected = file.vocabulary.length * file.labels.length;
  if (bytes.byteLength !== expected * 4 || file.bias.length !== file.labels.length) {
    throw new Error(`weights do not match the model's ${file.vocabulary.length} features x ${file.labels.length} labels`);
  }
  // Copy into an aligned buffer: Buffer slices may start at any byte offset.
  const weights = new Float32Array(expected);
  new Uint8Array(weights.buffer).set(bytes);
  return new LinearModel({ labels: file.labels, vocabulary: file.vocabulary, weights, bias: Float32Array.from(file.bias), scale: file.scale });
}

export function metaOf(file: ModelFile): ModelMeta {
  const { labels: _l, vocabulary: _v, weights: _w, bias: _b, scale: _s, ...meta } = file;
  return meta;
}
