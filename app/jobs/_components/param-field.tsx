'use client';

import type { ReactNode } from 'react';
import type { FormField } from '@/lib/protocol/kernel-forms';
import { CodeEditor } from './code-editor';
import { errorClass, helpClass, inputBorder, inputClass, labelClass } from './field-styles';

const fmt = (n: number) => n.toLocaleString('en-US');

/** `1–16,384`, `> 0 and ≤ 1,000,000`, `at least 4`: a number's bounds in words. */
function range(bounds: {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}): string {
  const { min, max, minExclusive, maxExclusive } = bounds;
  if (min !== undefined && max !== undefined) {
    if (!minExclusive && !maxExclusive) return `${fmt(min)}–${fmt(max)}`;
    return `${minExclusive ? '>' : '≥'} ${fmt(min)} and ${maxExclusive ? '<' : '≤'} ${fmt(max)}`;
  }
  if (min !== undefined) return minExclusive ? `more than ${fmt(min)}` : `at least ${fmt(min)}`;
  if (max !== undefined) return maxExclusive ? `less than ${fmt(max)}` : `at most ${fmt(max)}`;
  return '';
}

/** What the schema says about a field's allowed values, in words. */
function constraintHint(field: FormField): string | null {
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const what = field.kind === 'integer' ? 'whole number' : 'number';
      const bounds = range(field);
      return bounds ? `${what}, ${bounds}` : what;
    }
    case 'tuple': {
      const whole = field.items.every((item) => item.kind === 'integer');
      const bounds = field.items[0] ? range(field.items[0]) : '';
      const example = field.items.map(() => '1').join(', ');
      return `${field.items.length} ${whole ? 'whole numbers' : 'numbers'} separated by commas, e.g. ${example}${bounds ? ` (each ${bounds})` : ''}`;
    }
    case 'string':
      if (field.pattern === '^(?:[0-9a-fA-F]{2})*$') return 'hex bytes, e.g. 00ff';
      if (field.pattern === '^\\d{1,20}$') return 'decimal integer';
      return field.maxLength !== undefined ? `text, up to ${fmt(field.maxLength)} characters` : 'text';
    case 'enum':
      return `one of ${field.options.join(', ')}`;
    case 'json':
      return field.name === 'params' ? 'a JSON object' : 'a word or JSON';
    default:
      return null;
  }
}

/**
 * One parameter control generated from the kernel's JSON Schema. Its id is `param-<name>`, the
 * target of a server error for `params.<name>`; the error is shown under it and announced.
 */
export function ParamField({
  field,
  value,
  error,
  onChange,
}: {
  field: FormField;
  value: string | boolean | undefined;
  error?: string;
  onChange: (value: string | boolean) => void;
}) {
  const id = `param-${field.name}`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const hint = constraintHint(field);
  const help = [field.description, hint].filter(Boolean).join(' · ');
  const describedBy = [help ? helpId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const text = typeof value === 'string' ? value : '';
  const invalid = Boolean(error);

  const label = (
    <label htmlFor={id} className={labelClass}>
      {field.label}
      {field.label !== field.name ? (
        <span className="ml-1.5 font-mono text-xs font-normal text-slate-500 dark:text-slate-400">
          {field.name}
        </span>
      ) : null}
      {field.required ? null : (
        <span className="ml-1.5 text-xs font-normal text-slate-500 dark:text-slate-400">(optional)</span>
      )}
    </label>
  );
  const below = (
    <>
      {help ? (
        <p id={helpId} className={helpClass}>
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className={errorClass}>
          {error}
        </p>
      ) : null}
    </>
  );

  if (field.kind === 'boolean') {
    return (
      <div>
        <div className="flex items-center gap-2">
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(event) => onChange(event.target.checked)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            className="size-4 rounded border-slate-300 accent-emerald-600"
          />
          {label}
        </div>
        {below}
      </div>
    );
  }

  let control: ReactNode;
  const common = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': invalid || undefined,
    'aria-required': field.required || undefined,
  };
  switch (field.kind) {
    case 'integer':
    case 'number':
      control = (
        <input
          {...common}
          type="number"
          inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
          step={field.kind === 'integer' ? 1 : 'any'}
          min={field.min}
          max={field.max}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          className={`${inputClass} ${inputBorder(invalid)} tabular-nums`}
        />
      );
      break;
    case 'enum':
      control = (
        <select
          {...common}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          className={`${inputClass} ${inputBorder(invalid)}`}
        >
          {field.required ? (
            text === '' ? (
              <option value="" disabled>
                Choose…
              </option>
            ) : null
          ) : (
            <option value="">(default)</option>
          )}
          {field.options.map((option) => (
            <option key={String(option)} value={String(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      );
      break;
    case 'code':
      control = (
        <CodeEditor
          id={id}
          value={text}
          onChange={(next) => onChange(next)}
          describedBy={describedBy}
          invalid={invalid}
        />
      );
      break;
    case 'json':
      if (field.name !== 'params') {
        control = (
          <input
            {...common}
            type="text"
            spellCheck={false}
            autoComplete="off"
            value={text}
            onChange={(event) => onChange(event.target.value)}
            className={`${inputClass} ${inputBorder(invalid)} font-mono`}
          />
        );
        break;
      }
      control = (
        <textarea
          {...common}
          rows={4}
          spellCheck={false}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          className={`${inputClass} ${inputBorder(invalid)} font-mono`}
        />
      );
      break;
    default:
      control = (
        <input
          {...common}
          type="text"
          spellCheck={false}
          autoComplete="off"
          maxLength={field.kind === 'string' ? field.maxLength : undefined}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          className={`${inputClass} ${inputBorder(invalid)} font-mono`}
        />
      );
  }
  return (
    <div
      className={
        field.kind === 'code' || field.name === 'params'
          ? 'col-span-2 lg:col-span-3'
          : field.kind === 'integer' || field.kind === 'number'
            ? ''
            : 'col-span-2 sm:col-span-1'
      }
    >
      {label}
      <div className="mt-1">{control}</div>
      {below}
    </div>
  );
}
