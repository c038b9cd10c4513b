// `node --import ./scripts/register-wgsl.mjs …` (or an import of this file) teaches Node to load `*.wgsl`.
import { register } from 'node:module';

register('./wgsl-loader.mjs', import.meta.url);
