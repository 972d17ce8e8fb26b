// Type declarations for the parts of NLP.js (shipped without types) that the NLU uses.

declare module '@nlpjs/lang-en-min' {
  export class StemmerEn {
    stemWord(word: string): string;
  }
}

declare module '@nlpjs/basic' {
  export class LangEn {}
  export class Container {
    use(plugin: unknown): void;
  }
  export function containerBootstrap(): Promise<Container>;
  export interface NlpClassification {
    intent: string;
    score: number;
  }
  export interface NlpProcessResult {
    intent: string;
    score: number;
    classifications: NlpClassification[];
  }
  export class Nlp {
    constructor(settings: Record<string, unknown>, container?: Container);
    addLanguage(locale: string): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpProcessResult>;
  }
}

declare module '@nlpjs/lang-ko' {
  export class LangKo {}
  export class StemmerKo {
    tokenizeAndStem(text: string, keepStops?: boolean): string[];
  }
}

declare module '@nlpjs/neural' {
  export type FeatureBag = Record<string, number>;
  export interface NeuralSettings {
    iterations?: number;
    errorThresh?: number;
    deltaErrorThresh?: number;
    learningRate?: number;
    momentum?: number;
    alpha?: number;
    log?: boolean;
  }
  export interface NeuralJson {
    settings: NeuralSettings;
    features?: string[];
    intents?: string[];
    perceptrons?: number[][];
  }
  export class NeuralNetwork {
    constructor(settings?: NeuralSettings);
    train(corpus: { input: FeatureBag; output: FeatureBag }[]): { iterations: number; error: number };
    run(input: FeatureBag): Record<string, number> | undefined;
    toJSON(): NeuralJson;
    fromJSON(json: NeuralJson): void;
  }
}
