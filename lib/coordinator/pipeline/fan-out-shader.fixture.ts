import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A small valid `wgsl` job shader whose call graph fans out `calls^depth` ways: reflecting it walks
 * every path, so it is an attacker's cheap way to burn server CPU (4^11: tens of seconds).
 */
export function fanOutShader(calls: number, depth: number): string {
  const example = readFileSync(path.join(process.cwd(), 'shaders/custom-wgsl-example.wgsl'), 'utf8');
  let chain = 'fn f0() -> u32 { return 1u; }\n';
  for (let i = 1; i <= depth; i++) {
    chain += `fn f${i}() -> u32 { return ${Array.from({ length: calls }, () => `f${i - 1}()`).join(' + ')}; }\n`;
  }
  return chain + example.replace(/(@compute[^{]*\{)/, `$1\n  let unused = f${depth}();`);
}
