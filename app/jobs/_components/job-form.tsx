'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { ApiRequestError, browserApi } from '@/lib/api/api-call';
import { createJob } from '@/lib/api/jobs-api';
import { parseNpy } from '@/lib/kernels/npy';
import { paramIssues } from '@/lib/kernels/param-issues';
import { getKernel } from '@/lib/kernels/registry';
import { replicationSchema } from '@/lib/protocol/jobs';
import { FormValueError, type KernelForm, paramFields, paramsFromForm } from '@/lib/protocol/kernel-forms';
import { demoInputs } from './demo-inputs';

/** What a kernel's `exampleJob` builds (lib/kernels/onnx/example-model.ts `KernelExample`). */
interface KernelExampleModule {
  build(): {
    params: Record<string, unknown>;
    inputs: Record<string, { bytes: Uint8Array; summary: string }>;
  };
}

import { errorTarget } from './error-target';
import { estimateJobCost } from './estimate-job-cost';
import {
  buttonPrimary,
  buttonSecondary,
  cardClass,
  errorClass,
  helpClass,
  inputBorder,
  inputClass,
  labelClass,
  withoutFieldPrefix,
} from './field-styles';
import { valuesFromParams, valuesFromShape } from './form-values';
import { formatBytes } from './format';
import { type ChosenInput, describeUpload, InputUpload } from './input-upload';
import { ParamField } from './param-field';
import { type PaymentChoice, PaymentFields, priceTokenUnits } from './payment-fields';
import { runFirstShard } from './run-first-shard';
import { ensureIdentity, forgetIdentity } from './submitter-identity';
import type { RunReport } from './wgsl-dry-run';
import { WgslDryRun } from './wgsl-dry-run';

type Values = Record<string, string | boolean>;

function initialValues(form: KernelForm): Values {
  const values: Values = {};
  for (const field of paramFields(form.paramsSchema)) {
    if (field.kind === 'code' && field.defaultValue === undefined && form.exampleCode !== null) {
      values[field.name] = form.exampleCode;
      continue;
    }
    if (field.defaultValue === undefined) continue;
    values[field.name] =
      typeof field.defaultValue === 'boolean' ? field.defaultValue : String(field.defaultValue);
  }
  return values;
}

/** Something to fix before submitting: the dotted field the API would name, and what is wrong. */
interface Problem {
  field: string | undefined;
  message: string;
}

/**
 * Every problem the browser can find before sending, with the server's own schemas (the kernel's
 * params schema and the replication schema) plus the required inputs; the server checks again.
 */
function findProblems(
  form: KernelForm,
  job: { params: Record<string, unknown>; replication?: unknown },
  inputs: Record<string, unknown>,
): Problem[] {
  const problems: Problem[] = [];
  const kernel = getKernel(form.name);
  if (kernel) problems.push(...paramIssues(kernel.paramsSchema, job.params));
  if (job.replication !== undefined)
    problems.push(...paramIssues(replicationSchema, job.replication, 'replication'));
  for (const name of form.inputNames) {
    if (!form.optionalInputNames.includes(name) && !inputs[name]) {
      problems.push({
        field: `inputs.${name}`,
        message: form.demoInputShapes
          ? `choose a .npy file for ${name}, or press "Use demo matrices"`
          : `choose a file for ${name}`,
      });
    }
  }
  return problems;
}

/**
 * The job submission form: a kernel picker, that kernel's params (generated from its JSON Schema),
 * its input files (upload or demo), replication and a title. It submits multipart to
 * `POST /api/v1/jobs` with the browser's anonymous identity; a 4xx's message is shown under the
 * field the API names (`error.field`), focused and announced, and a 201 goes to the job's page.
 */
export function JobForm({ kernels }: { kernels: KernelForm[] }) {
  const router = useRouter();
  const [kernelName, setKernelName] = useState(kernels[0]?.name ?? '');
  const form = kernels.find((k) => k.name === kernelName) ?? kernels[0];
  const fields = useMemo(() => (form ? paramFields(form.paramsSchema) : []), [form]);
  const [valuesByKernel, setValuesByKernel] = useState<Record<string, Values>>(() =>
    Object.fromEntries(kernels.map((k) => [k.name, initialValues(k)])),
  );
  const [inputsByKernel, setInputsByKernel] = useState<Record<string, Record<string, ChosenInput>>>({});
  const [replicationByKernel, setReplicationByKernel] = useState<
    Record<string, { min: string; max: string }>
  >(() =>
    Object.fromEntries(
      kernels.map((k) => [
        k.name,
        { min: String(k.defaultReplicationMin), max: String(k.defaultReplicationMin + 2) },
      ]),
    ),
  );
  const [title, setTitle] = useState('');
  const [payment, setPayment] = useState<PaymentChoice>({ paid: false, price: '0.001' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [focusRequest, setFocusRequest] = useState<{ id: string; n: number } | null>(null);
  const formErrorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!focusRequest) return;
    const element =
      focusRequest.id === 'form-error' ? formErrorRef.current : document.getElementById(focusRequest.id);
    element?.focus();
    element?.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
  }, [focusRequest]);

  if (!form) return <p>No kernels are registered.</p>;
  const values = valuesByKernel[form.name] ?? {};
  const inputs = inputsByKernel[form.name] ?? {};
  const replication = replicationByKernel[form.name] ?? { min: '', max: '' };
  const codeField = fields.find((f) => f.kind === 'code');

  function clearError(id: string) {
    setErrors((current) => {
      if (!(id in current)) return current;
      const { [id]: _removed, ...rest } = current;
      return rest;
    });
  }

  /** Shows `message` under the control for `field` (or above the submit button), focuses it and announces it. */
  function showError(message: string, field: string | undefined) {
    showProblems([{ message, field }]);
  }

  /**
   * Shows every problem at once, each under its control (those without one above the submit
   * button), focuses the first and announces them all.
   */
  function showProblems(problems: readonly Problem[]) {
    if (!form || problems.length === 0) return;
    const next: Record<string, string> = {};
    const general: string[] = [];
    let first: string | null = null;
    for (const { message, field } of problems) {
      const target = errorTarget(field, {
        paramNames: fields.map((f) => f.name),
        inputNames: form.inputNames,
      });
      if (!target) {
        general.push(message);
        continue;
      }
      first ??= target;
      // Two problems for one control (a params group): both are shown.
      const text =
        target.startsWith('param-') || target.startsWith('input-') || target.startsWith('replication-')
          ? withoutFieldPrefix(message, field)
          : message;
      next[target] = next[target] ? `${next[target]} ${text}` : text;
    }
    setErrors(next);
    setFormError(general.length > 0 ? general.join(' ') : null);
    setAnnouncement(
      problems.length === 1
        ? `Not submitted: ${problems[0]!.message}`
        : `Not submitted: ${problems.length} things to fix. ${problems.map((p) => p.message).join('. ')}`,
    );
    setFocusRequest((previous) => ({ id: first ?? 'form-error', n: (previous?.n ?? 0) + 1 }));
  }

  function setValue(name: string, value: string | boolean) {
    if (!form) return;
    setValuesByKernel((all) => ({ ...all, [form.name]: { ...all[form.name], [name]: value } }));
    clearError(`param-${name}`);
  }

  function setInput(name: string, chosen: ChosenInput | undefined) {
    if (!form) return;
    setInputsByKernel((all) => {
      const next = { ...all[form.name] };
      if (chosen) next[name] = chosen;
      else delete next[name];
      return { ...all, [form.name]: next };
    });
    clearError(`input-${name}`);
    clearError('inputs');
  }

  async function chooseFile(name: string, file: File | undefined) {
    if (!file) {
      setInput(name, undefined);
      return;
    }
    setInput(name, { blob: file, filename: file.name, summary: formatBytes(file.size), demo: false });
    const summary = await describeUpload(file);
    setInput(name, { blob: file, filename: file.name, summary, demo: false });
    // A matrix's shape says what the params must be (matmul: a is m×k): fill them in.
    if (!form?.demoInputShapes?.[name] || file.size > 64 * 1024 * 1024) return;
    let shape: number[];
    try {
      shape = parseNpy(new Uint8Array(await file.arrayBuffer()), `inputs.${name}`).shape;
    } catch {
      return; // not a .npy the form can read: the server names what is wrong with it
    }
    const filled = valuesFromShape(form.demoInputShapes, name, shape);
    for (const [param, value] of Object.entries(filled)) setValue(param, value);
    setAnnouncement(
      `${Object.entries(filled)
        .map(([param, value]) => `${param} set to ${value}`)
        .join(', ')} from the shape of ${name}.`,
    );
  }

  /** Fills the kernel's example job (params, default replication and, for matrices, demo inputs). */
  function fillExample() {
    if (!form?.example) return;
    const exampleValues = { ...initialValues(form), ...valuesFromParams(fields, form.example) };
    setValuesByKernel((all) => ({ ...all, [form.name]: exampleValues }));
    setReplicationByKernel((all) => ({
      ...all,
      [form.name]: { min: String(form.defaultReplicationMin), max: String(form.defaultReplicationMin + 2) },
    }));
    setTitle(`Example ${form.name} job`);
    setErrors({});
    setFormError(null);
    if (form.demoInputShapes) applyDemo(exampleValues);
    else if (form.exampleJob) void applyExample();
    else setAnnouncement(`Example ${form.name} job filled in.`);
  }

  function applyDemo(from: Values = values) {
    if (!form?.demoInputShapes) return;
    const outcome = demoInputs(form.demoInputShapes, from);
    if (!outcome.ok) {
      showError(outcome.message, outcome.param ? `params.${outcome.param}` : 'inputs');
      return;
    }
    for (const [name, { rows, cols, npy }] of Object.entries(outcome.inputs)) {
      setInput(name, {
        blob: new Blob([npy as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
        filename: `${name}.npy`,
        summary: `${rows}×${cols} float32 .npy, random values in [-1, 1) · ${formatBytes(npy.length)}`,
        demo: true,
      });
    }
    setAnnouncement(
      `Demo inputs ready: ${Object.entries(outcome.inputs)
        .map(([name, { rows, cols }]) => `${name} ${rows} by ${cols}`)
        .join(', ')}.`,
    );
  }

  /** The kernel's own example job (e.g. onnx's classifier), built here from the kernel module. */
  async function applyExample() {
    if (!form?.exampleJob) return;
    const { getKernel } = await import('@/lib/kernels/registry');
    const example = (getKernel(form.name) as { exampleJob?: KernelExampleModule } | undefined)?.exampleJob;
    if (!example) return;
    const built = example.build();
    for (const [name, field] of Object.entries(built.params)) {
      if (typeof field === 'string' || typeof field === 'boolean') setValue(name, field);
      else if (typeof field === 'number') setValue(name, String(field));
    }
    for (const [name, { bytes, summary }] of Object.entries(built.inputs)) {
      setInput(name, {
        blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
        filename: name === 'model' ? 'model.onnx' : `${name}.npy`,
        summary: `${summary} · ${formatBytes(bytes.length)}`,
        demo: true,
      });
    }
    setAnnouncement(`Example ready: ${Object.keys(built.inputs).join(', ')}.`);
  }

  function buildJob(): {
    kernel: string;
    params: Record<string, unknown>;
    replication?: unknown;
    title?: string;
    visibility: 'public';
    payment?: { pricePerWorkUnit: string };
  } {
    if (!form) throw new Error('no kernel');
    const params = paramsFromForm(fields, values);
    // The job pages show params and the result preview to anyone with the link, so jobs from this
    // form are public (showcases); private jobs come through the API or the CLI (docs/api.md).
    const job: ReturnType<typeof buildJob> = { kernel: form.name, params, visibility: 'public' };
    if (payment.paid) {
      const units = priceTokenUnits(payment.price);
      if (typeof units === 'string') throw new FormValueError('payment', units);
      job.payment = { pricePerWorkUnit: units.toString() };
    }
    const toNumber = (text: string) =>
      text.trim() === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text;
    if (replication.min.trim() !== '' || replication.max.trim() !== '') {
      job.replication = { min: toNumber(replication.min), max: toNumber(replication.max) };
    }
    if (title.trim()) job.title = title.trim();
    return job;
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!form || submitting) return;
    setErrors({});
    setFormError(null);
    let job: ReturnType<typeof buildJob>;
    try {
      job = buildJob();
    } catch (error) {
      if (error instanceof FormValueError) {
        showError(error.message, error.field);
        return;
      }
      throw error;
    }
    const problems = findProblems(form, job, inputs);
    if (problems.length > 0) {
      showProblems(problems);
      return;
    }
    const files = Object.fromEntries(
      form.inputNames.flatMap((name) => {
        const chosen = inputs[name];
        return chosen ? [[name, { blob: chosen.blob, filename: chosen.filename }] as const] : [];
      }),
    );
    setSubmitting(true);
    setAnnouncement('Submitting the job…');
    try {
      const post = async () => createJob(browserApi, (await ensureIdentity()).token, job, files);
      let created: { jobId: string };
      try {
        created = await post();
      } catch (error) {
        if (!(error instanceof ApiRequestError && error.status === 401)) throw error;
        // The stored identity is unknown here (e.g. a fresh database): register anew, once.
        forgetIdentity();
        created = await post();
      }
      setAnnouncement('Job created. Opening its page…');
      router.push(`/jobs/${created.jobId}`);
    } catch (error) {
      if (error instanceof ApiRequestError && error.status !== 0) {
        showError(error.apiMessage ?? `The server answered HTTP ${error.status}; try again.`, error.field);
      } else {
        showError(
          `Could not reach the server (${error instanceof Error ? error.message : String(error)}); check your connection and try again.`,
          undefined,
        );
      }
      setSubmitting(false);
    }
  }

  /** The worst-case cost of the job as filled in now, priced at `price` token units per work unit. */
  async function estimateCost(price: bigint) {
    if (!form) throw new Error('no kernel');
    const job = buildJob();
    const files: Record<string, Uint8Array> = {};
    for (const name of form.inputNames) {
      const chosen = inputs[name];
      if (chosen) files[name] = new Uint8Array(await chosen.blob.arrayBuffer());
    }
    const min = Number(replication.min.trim() || form.defaultReplicationMin);
    const maxResults = Number(replication.max.trim() || min + 2);
    const estimate = await estimateJobCost({
      kernel: form.name,
      params: job.params,
      inputs: files,
      price,
      maxResults,
    });
    return { ...estimate, maxResults };
  }

  async function dryRunShard(): Promise<RunReport> {
    if (!form) throw new Error('no kernel');
    const job = buildJob();
    const files: Record<string, Uint8Array> = {};
    for (const name of form.inputNames) {
      const chosen = inputs[name];
      if (chosen) files[name] = new Uint8Array(await chosen.blob.arrayBuffer());
    }
    return runFirstShard({ kernel: form.name, params: job.params, inputs: files });
  }

  return (
    <form noValidate onSubmit={submit} aria-describedby="job-form-intro" className="flex flex-col gap-6">
      <p id="job-form-intro" className="sr-only">
        Fields are generated from the chosen kernel; the server checks everything and names the field to fix.
      </p>

      <div className={cardClass}>
        <fieldset id="kernel" tabIndex={-1}>
          <legend className="text-lg font-semibold">Kernel</legend>
          <p className={helpClass}>
            What the volunteers compute. Each kernel verifies its results its own way.
          </p>
          <div className="mt-3 grid gap-3 sm:grid-cols-2">
            {kernels.map((k) => {
              const checked = k.name === form.name;
              return (
                <label
                  key={k.name}
                  className={`flex cursor-pointer gap-3 rounded-lg border p-3 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-emerald-500 ${
                    checked
                      ? 'border-emerald-500 bg-emerald-50/60 dark:border-emerald-500 dark:bg-emerald-950/30'
                      : 'border-slate-200 hover:border-slate-300 dark:border-slate-700 dark:hover:border-slate-600'
                  }`}
                >
                  <input
                    type="radio"
                    name="kernel"
                    value={k.name}
                    checked={checked}
                    onChange={() => {
                      setKernelName(k.name);
                      setErrors({});
                      setFormError(null);
                    }}
                    className="mt-0.5 size-4 accent-emerald-600"
                  />
                  <span className="flex min-w-0 flex-col gap-0.5">
                    <span className="flex items-center gap-2 font-mono font-semibold">
                      {k.name}
                      <span className="rounded bg-slate-100 px-1.5 py-px font-sans text-[11px] font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                        {k.requiresWebGPU ? 'GPU' : 'GPU or CPU'}
                      </span>
                    </span>
                    <span className="text-slate-600 dark:text-slate-400">{k.description}</span>
                  </span>
                </label>
              );
            })}
          </div>
          {errors.kernel ? <p className={errorClass}>{errors.kernel}</p> : null}
        </fieldset>
      </div>

      <div className={cardClass}>
        <label htmlFor="title" className={labelClass}>
          Title <span className="text-xs font-normal text-slate-500 dark:text-slate-400">(optional)</span>
        </label>
        <input
          id="title"
          type="text"
          maxLength={200}
          value={title}
          onChange={(event) => {
            setTitle(event.target.value);
            clearError('title');
          }}
          placeholder={`My ${form.name} job`}
          aria-invalid={errors.title ? true : undefined}
          aria-describedby={errors.title ? 'title-error' : undefined}
          className={`mt-1 ${inputClass} ${inputBorder(Boolean(errors.title))}`}
        />
        {errors.title ? (
          <p id="title-error" className={errorClass}>
            {errors.title}
          </p>
        ) : null}
      </div>

      <div className={cardClass}>
        <fieldset id="params" tabIndex={-1} aria-describedby="params-help">
          <legend className="text-lg font-semibold">Parameters</legend>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p id="params-help" className={helpClass}>
              From the <span className="font-mono">{form.name}</span> kernel’s parameter schema
              {form.demoInputShapes ? '; uploading a .npy matrix fills the sizes it fixes' : ''}.
            </p>
            {form.example ? (
              <button type="button" onClick={fillExample} className={buttonSecondary}>
                Use the example
              </button>
            ) : null}
          </div>
          {errors.params ? <p className={errorClass}>{errors.params}</p> : null}
          <div className="mt-4 grid grid-cols-2 gap-4 lg:grid-cols-3">
            {fields.map((field) => (
              <ParamField
                key={`${form.name}.${field.name}`}
                field={field}
                value={values[field.name]}
                error={errors[`param-${field.name}`]}
                onChange={(value) => setValue(field.name, value)}
              />
            ))}
            {codeField ? (
              <WgslDryRun
                code={typeof values[codeField.name] === 'string' ? (values[codeField.name] as string) : ''}
                runShard={dryRunShard}
              />
            ) : null}
          </div>
        </fieldset>
      </div>

      {form.inputNames.length > 0 ? (
        <div className={cardClass}>
          <fieldset id="inputs" tabIndex={-1}>
            <legend className="text-lg font-semibold">Inputs</legend>
            <div className="flex flex-wrap items-center justify-between gap-3">
              <p className={helpClass}>
                {form.demoInputShapes
                  ? 'Upload your arrays, or generate random ones to try it out.'
                  : 'Upload the file the kernel reads (see its description above).'}
              </p>
              {form.demoInputShapes ? (
                <button type="button" onClick={() => applyDemo()} className={buttonSecondary}>
                  Use demo matrices
                </button>
              ) : null}
              {form.exampleJob ? (
                <button type="button" onClick={() => void applyExample()} className={buttonSecondary}>
                  {form.exampleJob.label}
                </button>
              ) : null}
            </div>
            {form.exampleJob ? <p className={helpClass}>{form.exampleJob.description}</p> : null}
            {errors.inputs ? <p className={errorClass}>{errors.inputs}</p> : null}
            <div className="mt-4 grid gap-4 sm:grid-cols-2">
              {form.inputNames.map((name) => (
                <InputUpload
                  key={`${form.name}.${name}`}
                  name={name}
                  matrix={form.demoInputShapes !== null}
                  optional={form.optionalInputNames.includes(name)}
                  chosen={inputs[name]}
                  error={errors[`input-${name}`]}
                  onChoose={(file) => void chooseFile(name, file)}
                />
              ))}
            </div>
          </fieldset>
        </div>
      ) : null}

      <div className={cardClass}>
        <fieldset>
          <legend className="text-lg font-semibold">Replication</legend>
          <p className={helpClass}>
            How many volunteers must agree on each shard.{' '}
            {form.defaultReplicationMin === 1
              ? 'This kernel proves a single result correct, so one is enough.'
              : 'This kernel needs agreeing replicas to trust a result.'}
          </p>
          <div className="mt-4 grid gap-4 sm:grid-cols-2">
            {(['min', 'max'] as const).map((which) => {
              const id = `replication-${which}`;
              const error = errors[id];
              return (
                <div key={which}>
                  <label htmlFor={id} className={labelClass}>
                    {which === 'min' ? 'Agreeing results needed' : 'Most results per shard'}
                    <span className="ml-1.5 font-mono text-xs font-normal text-slate-500 dark:text-slate-400">
                      {which}
                    </span>
                  </label>
                  <input
                    id={id}
                    type="number"
                    inputMode="numeric"
                    step={1}
                    min={1}
                    max={which === 'min' ? 10 : 20}
                    value={replication[which]}
                    onChange={(event) => {
                      const text = event.target.value;
                      setReplicationByKernel((all) => ({
                        ...all,
                        [form.name]: { ...replication, [which]: text },
                      }));
                      clearError(id);
                    }}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
                    className={`mt-1 ${inputClass} ${inputBorder(Boolean(error))} tabular-nums`}
                  />
                  <p id={`${id}-help`} className={helpClass}>
                    {which === 'min'
                      ? 'whole number, 1–10'
                      : 'whole number, min–20; a shard with this many results and no agreement fails the job'}
                  </p>
                  {error ? (
                    <p id={`${id}-error`} className={errorClass}>
                      {error}
                    </p>
                  ) : null}
                </div>
              );
            })}
          </div>
        </fieldset>
      </div>

      <PaymentFields
        choice={payment}
        onChange={(choice) => {
          setPayment(choice);
          clearError('payment-price');
        }}
        error={errors['payment-price']}
        estimate={estimateCost}
      />

      <div className="flex flex-col gap-3">
        {formError ? (
          <div
            ref={formErrorRef}
            id="form-error"
            tabIndex={-1}
            className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950/40 dark:text-red-300"
          >
            <p className="font-semibold">The job was not submitted.</p>
            <p className="mt-1">{formError}</p>
          </div>
        ) : null}
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={submitting} className={buttonPrimary}>
            {submitting ? 'Submitting…' : 'Submit job'}
          </button>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            Submitting creates an anonymous identity in this browser; only it can cancel the job.
          </p>
        </div>
        <div role="status" aria-live="assertive" aria-atomic="true" className="sr-only">
          {announcement}
        </div>
      </div>
    </form>
  );
}
