#!/usr/bin/env node
// Committed with its executable bit, so `npx tzp2p-conformance` works whatever the build does to dist/ modes.
import '../dist/main.js';
