// Body measurements for size advice: height in centimetres, weight in kilograms, whatever unit
// the shopper wrote (170cm, 키 170, 5'9", 65kg, 65키로, 160 lbs).
import type { Entity } from '../types.ts';
import { collect, inRange, NUMBER_AFTER, NUMBER_BEFORE } from './match.ts';

const CM_PER_INCH = 2.54;
const KG_PER_POUND = 0.45359237;

const HEIGHT_CM = new RegExp(
  `(?:(?:키|신장|height|i'?m|i am)\\s*(?:가|는|은|이|:|is)?\\s*)?${NUMBER_BEFORE}(1\\d{2}|2[01]\\d)(?:\\.\\d)?\\s*(cm|센치|센티|센티미터|㎝)${NUMBER_AFTER}|(?:키|신장|height)\\s*(?:가|는|은|이|:|is)?\\s*(1\\d{2}|2[01]\\d)${NUMBER_AFTER}`,
  'giu',
);
const HEIGHT_FEET = /(?<![\p{N}])([4-7])\s*(?:'|’|ft|feet|foot)\s*(\d{1,2})?\s*(?:"|”|''|in(?:ch(?:es)?)?)?(?![\p{N}])/giu;
const WEIGHT_KG = new RegExp(
  `${NUMBER_BEFORE}(\\d{2,3}(?:\\.\\d)?)\\s*(kg|kgs|키로|킬로|킬로그램|㎏)${NUMBER_AFTER}|(?:몸무게|체중|weight|weigh)\\s*(?:가|는|은|이|:|is)?\\s*(\\d{2,3})${NUMBER_AFTER}(?!\\s*(?:lbs?|pounds?))`,
  'giu',
);
const WEIGHT_LB = new RegExp(`${NUMBER_BEFORE}(\\d{2,3}(?:\\.\\d)?)\\s*(lbs?|pounds?|파운드)(?![a-z])`, 'giu');

// "170에 65요", "170/65": asked for height and weight, Korean shoppers answer with a bare pair.
const HEIGHT_WEIGHT_PAIR = /(?<![\p{N}.])(1[4-9]\d|2[01]\d)\s*(?:에|,|\/)\s*(\d{2,3})(?![\p{N}]|\s*(?:cm|mm|센|사이즈|호|인치))/dgu;

/** One number of each height/weight pair, with its own span so both survive overlap resolution. */
function pairPart(text: string, group: 1 | 2, type: 'height' | 'weight', min: number, max: number): Entity[] {
  const entities: Entity[] = [];
  for (const match of text.matchAll(HEIGHT_WEIGHT_PAIR)) {
    const span = match.indices?.[group];
    const value = inRange(Number(match[group]), min, max);
    if (!span || value === undefined) continue;
    entities.push({ type, value, text: text.slice(span[0], span[1]), start: span[0], end: span[1] });
  }
  return entities;
}

export function extractHeights(text: string): Entity[] {
  const metric = collect(text, HEIGHT_CM, 'height', (m) => inRange(Math.round(Number(m[1] ?? m[3])), 120, 220));
  const imperial = collect(text, HEIGHT_FEET, 'height', (m) => {
    const inches = Number(m[1]) * 12 + Number(m[2] ?? 0);
    return inRange(Math.round(inches * CM_PER_INCH), 120, 220);
  });
  return [...metric, ...imperial, ...pairPart(text, 1, 'height', 120, 220)];
}

export function extractWeights(text: string): Entity[] {
  const metric = collect(text, WEIGHT_KG, 'weight', (m) => inRange(Math.round(Number(m[1] ?? m[3])), 25, 200));
  const imperial = collect(text, WEIGHT_LB, 'weight', (m) => inRange(Math.round(Number(m[1]) * KG_PER_POUND), 25, 200));
  return [...metric, ...imperial, ...pairPart(text, 2, 'weight', 25, 200)];
}
