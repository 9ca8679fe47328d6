// What went wrong, said where it happened: an alert region that screen readers announce, in the
// console's one style for refusals and failures.

export function Problem({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p role="alert" class="problem">
      {text}
    </p>
  );
}
