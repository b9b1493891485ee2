/**
 * `${env:NAME}` as a whole value of a spec's `notify:` (a webhook URL, an SMTP URL): the spec
 * names the secret instead of holding it, so the store never has it. The process that sends
 * the notice reads the variable then.
 */
const ENV_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The variable a value names, if it is a reference. */
export function envReferenceOf(text: string): string | undefined {
  return ENV_REFERENCE.exec(text.trim())?.[1];
}

/** The value with its reference replaced by the variable's value; throws, naming the variable, when it is unset. */
export function resolveEnvReference(text: string, env: NodeJS.ProcessEnv): string {
  const name = envReferenceOf(text);
  if (name === undefined) return text;
  const value = env[name];
  if (!value) throw new Error(`${text}: the environment variable ${name} is not set here; set it where the runs are executed`);
  return value;
}
