import type { Figure } from './report.js';

export interface Suite {
  readonly name: string;
  readonly title: string;
  run(): Promise<{ figures: Figure[]; notes?: string[] }>;
}
