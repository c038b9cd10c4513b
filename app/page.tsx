import Link from 'next/link';

export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-6 px-6 py-16">
      <h1 className="text-4xl font-bold tracking-tight">Spare Cycles</h1>
      <p className="text-lg text-slate-700 dark:text-slate-300">
        Donate your spare GPU time by opening a page: your browser runs small, verified pieces of real
        computations — matrix products, hash searches — as WebGPU compute shaders. Nothing runs until you
        press Donate, and Stop always works.
      </p>
      <nav aria-label="Main" className="flex gap-4 text-blue-700 underline dark:text-blue-300">
        <Link href="/api/v1/jobs">Jobs (API)</Link>
        <Link href="/api/v1/openapi.json">API reference (OpenAPI)</Link>
      </nav>
    </main>
  );
}
