# usage: scaffold.sh <dir> <name> <tag> <description> [deps...]
dir=$1; name=$2; tag=$3; desc=$4; shift 4
mkdir -p $dir/src $dir/test
deps=""
for d in "$@"; do deps="$deps\"@tezos-p2p/$d\": \"0.1.0\","; done
deps=${deps%,}
cat > $dir/package.json <<J
{
  "name": "@tezos-p2p/$name",
  "version": "0.1.0",
  "description": "$desc",
  "type": "module",
  "license": "MIT",
  "exports": {
    ".": {
      "@tezos-p2p/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    }
  },
  "files": ["dist", "src", "README.md"],
  "dependencies": {$deps}
}
J
cat > $dir/project.json <<J
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "projectType": "library",
  "sourceRoot": "$dir/src",
  "tags": ["$tag"],
  "targets": { "build": {}, "typecheck": {}, "lint": {}, "test": {} }
}
J
cat > $dir/tsconfig.json <<J
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true },
  "include": ["src/**/*.ts", "test/**/*.ts", "vitest.config.ts"]
}
J
cat > $dir/tsconfig.build.json <<J
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "customConditions": [], "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src/**/*.ts"]
}
J
cat > $dir/vitest.config.ts <<J
import { projectConfig } from '../../vitest.shared.js';

export default projectConfig('$name');
J
