import { Banner } from '../components/Banner.tsx';
import { MessageCard } from '../components/MessageCard.tsx';
import { useLive } from '../live.ts';

export function Sent() {
  const { value: messages, error } = useLive(window.outbound.sent.list);
  return (
    <section className="messages" data-testid="sent-list">
      <Banner kind="error">{error}</Banner>
      {messages?.length === 0 && <p className="empty">Nothing sent yet.</p>}
      {messages && messages.length > 0 && (
        <ul className="cards" aria-label="Messages sent">
          {messages.map((m) => (
            <MessageCard key={m.id} message={m} />
          ))}
        </ul>
      )}
    </section>
  );
}
