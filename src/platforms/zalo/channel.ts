import {
  ChannelError,
  FileUnavailable,
  type AttachmentRef,
  type Channel,
  type ChannelCapabilities,
  type ChannelLimits,
  type DeliveryProgress,
  type DeliveryResult,
  type FetchedFile,
  type OutboundRequest,
} from '../../core/port.js';
import { readCapped } from '../fetch-capped.js';
import { ZALO_TEXT_LIMIT, type ZaloApi } from './api.js';
import { classifyZaloError } from './errors.js';

/**
 * What the Zalo Bot Platform can show: plain text up to 2,000 characters and photos sent by URL.
 * No buttons, no edits, no documents, no quoted replies, no slash commands: choices become numbered
 * lists, prompts wait for the next message, and commands are the same words typed.
 */
export const ZALO_CAPABILITIES: ChannelCapabilities = {
  format: 'plain',
  maxTextLength: ZALO_TEXT_LIMIT,
  maxCaptionLength: ZALO_TEXT_LIMIT,
  buttons: false,
  edits: false,
  forceReply: false,
  documents: false,
  uploads: false,
  slashCommands: false,
  actionAnswers: false,
  replies: false,
};

type Step = () => Promise<{ messageId: string | null }>;

/** Delivers outbound requests through the Zalo Bot API. */
export class ZaloChannel implements Channel {
  readonly platform = 'zalo' as const;
  readonly capabilities = ZALO_CAPABILITIES;

  constructor(
    readonly api: ZaloApi,
    readonly limits: ChannelLimits,
  ) {}

  /** Zalo ids do not tell groups from people; a chat the bot has no row for is a person's. */
  isGroupAddress(): boolean {
    return false;
  }

  /** A Zalo photo's file id is its URL. */
  async fetchFile(ref: AttachmentRef, maxBytes: number): Promise<FetchedFile> {
    if (!ref.fileId || !/^https?:\/\//i.test(ref.fileId)) throw new FileUnavailable('unreachable', 'no photo URL');
    const got = await readCapped(ref.fileId, maxBytes, 30_000);
    const mimeType = ref.mimeType ?? got.mimeType ?? 'image/jpeg';
    const ext = mimeType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'jpg';
    return { data: got.bytes, mimeType, fileName: ref.fileName ?? `anh-zalo.${ext}` };
  }

  async deliver(request: OutboundRequest): Promise<DeliveryResult> {
    switch (request.op) {
      // Nothing to answer and nothing to take away on a platform without buttons.
      case 'answer_action':
      case 'clear_buttons':
        return { messageId: null };
      case 'edit':
        throw new ChannelError({ kind: 'bad_request', description: 'Zalo messages cannot be edited' });
      case 'send':
        return this.run(this.steps(request), request.resume);
    }
  }

  private steps(request: Extract<OutboundRequest, { op: 'send' }>): { steps: Step[]; keyStep: number } {
    const chatId = request.chat.externalId;
    const text = request.content.text;
    const steps: Step[] = [];
    const files = request.files ?? [];
    // One photo with a short text travels as its caption; otherwise photos first, then the text.
    const captioned = files.length === 1 && text.length > 0 && text.length <= ZALO_TEXT_LIMIT;
    for (const file of files) {
      if (file.via !== 'url' || file.type !== 'photo') {
        throw new ChannelError({ kind: 'bad_request', description: 'Zalo takes photos by URL only' });
      }
      steps.push(async () => ({ messageId: (await this.api.sendPhoto(chatId, file.url, captioned ? text : undefined)).messageId }));
    }
    if (captioned) return { steps, keyStep: 0 };
    const keyStep = steps.length;
    if (text.length > 0) steps.push(async () => ({ messageId: (await this.api.sendMessage(chatId, text)).messageId }));
    return { steps, keyStep };
  }

  /** Runs the calls in order, skipping those an earlier try got accepted (see Telegram's twin). */
  private async run(plan: { steps: Step[]; keyStep: number }, resume: DeliveryProgress | undefined): Promise<DeliveryResult> {
    const done = Math.min(resume?.calls ?? 0, plan.steps.length);
    let messageId = done > plan.keyStep ? (resume?.messageId ?? null) : null;
    for (let i = done; i < plan.steps.length; i++) {
      let result: { messageId: string | null };
      try {
        result = await plan.steps[i]!();
      } catch (err) {
        throw new ChannelError(classifyZaloError(err), i > 0 ? { calls: i, messageId } : undefined);
      }
      if (i === plan.keyStep) messageId = result.messageId;
    }
    return { messageId };
  }
}
