import { mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.js';

// --expose-gc: the churn test compares heaps after full collections (global.gc).
export default mergeConfig(projectConfig('p2p'), { test: { execArgv: ['--expose-gc'] } });
