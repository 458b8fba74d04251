import type { AnyAuthMethod, AuthenticationType, Prompt } from 'ssh2';
import { SshAuthError } from './errors';

/**
 * The password login of one SSH connection: offers password, then
 * keyboard-interactive, each once, and says why the login failed.
 */
export class PasswordLogin {
  private readonly methodsTried: string[] = [];
  private methodsOffered?: AuthenticationType[];

  constructor(
    private readonly target: string,
    private readonly username: string,
    private readonly password: string,
    /** Called when keyboard-interactive asks for the password again. */
    private readonly onRefused: (error: SshAuthError) => void,
  ) {}

  /** ssh2's authHandler: the next method to try, or none. */
  nextMethod(methodsLeft: AuthenticationType[] | null): AnyAuthMethod {
    if (methodsLeft) this.methodsOffered = methodsLeft;
    const { username, password } = this;
    const offered = (method: AuthenticationType) =>
      !methodsLeft || methodsLeft.includes(method);
    if (!this.methodsTried.includes('password') && offered('password')) {
      this.methodsTried.push('password');
      return { type: 'password', username, password };
    }
    if (
      !this.methodsTried.includes('keyboard-interactive') &&
      offered('keyboard-interactive')
    ) {
      this.methodsTried.push('keyboard-interactive');
      let rounds = 0;
      return {
        type: 'keyboard-interactive',
        username,
        prompt: (_name, _instructions, _lang, prompts, finish) => {
          const asksPassword = prompts.some(p => isSecretPrompt(p));
          if (asksPassword && ++rounds > 1) {
            // Asked again: the password was wrong. Do not loop on it.
            this.onRefused(this.error());
            return;
          }
          finish(prompts.map(p => (isUserPrompt(p) ? username : password)));
        },
      };
    }
    // ssh2 treats `false` as "no method left" and reports the failure.
    return false as unknown as AnyAuthMethod;
  }

  /** Why the login failed: no password method offered, or refused. */
  error(): SshAuthError {
    const { username, target } = this;
    const tried = [...this.methodsTried];
    const offered = this.methodsOffered;
    const passwordOffered =
      !offered ||
      offered.includes('password') ||
      offered.includes('keyboard-interactive');
    if (!tried.length || !passwordOffered) {
      return new SshAuthError(
        `${target} offers no password login for user "${username}" (offered: ${
          offered?.join(', ') || 'none'
        })`,
        tried,
      );
    }
    return new SshAuthError(
      `${target} refused the login of user "${username}" (tried ${tried.join(
        ' and ',
      )})`,
      tried,
    );
  }
}

function isSecretPrompt(prompt: Prompt): boolean {
  return !prompt.echo || /pass|secret|pin\b|token/i.test(prompt.prompt);
}

function isUserPrompt(prompt: Prompt): boolean {
  return (
    !!prompt.echo &&
    /user|login|name/i.test(prompt.prompt) &&
    !/pass/i.test(prompt.prompt)
  );
}
