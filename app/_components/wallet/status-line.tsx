/** What a wallet action says about itself: waiting (info), done (success) or failed (error). */
export interface StatusMessage {
  text: string;
  tone: 'info' | 'success' | 'error';
}

const toneClass: Record<StatusMessage['tone'], string> = {
  info: 'text-slate-700 dark:text-slate-300',
  success: 'text-emerald-700 dark:text-emerald-400',
  error: 'text-red-700 dark:text-red-400',
};

/**
 * The live line under a wallet action. It is always rendered, empty when there is nothing to say,
 * so screen readers announce each new message; a failure is an alert.
 */
export function StatusLine({ message, testId }: { message: StatusMessage | null; testId: string }) {
  return (
    <p
      role={message?.tone === 'error' ? 'alert' : 'status'}
      aria-live="polite"
      data-testid={testId}
      className={toneClass[message?.tone ?? 'info']}
    >
      {message?.text ?? ''}
    </p>
  );
}
