// A word diff of a text candidate against the other side's value, so a reviewer sees at a glance
// what each side changed instead of reading two paragraphs.
import { diffWords } from 'diff';

export function TextDiff({ from, to }: { from: string; to: string }) {
  return (
    <p class="diff" aria-label="Changes against the other candidate">
      {diffWords(from, to).map((part, index) =>
        part.added ? (
          <ins key={index}>{part.value}</ins>
        ) : part.removed ? (
          <del key={index}>{part.value}</del>
        ) : (
          <span key={index}>{part.value}</span>
        ),
      )}
    </p>
  );
}
