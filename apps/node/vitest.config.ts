import { mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.js';

// --expose-gc: the echo memory test compares the process's memory after full collections (global.gc).
export default mergeConfig(projectConfig('node'), { test: { execArgv: ['--expose-gc'] } });
