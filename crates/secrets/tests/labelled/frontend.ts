import Stripe from "stripe";

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
const publishable = "pk_test_{{base62:24}}";
const mapboxToken = "pk.eyJ1Ijoi{{base64url:40}}.{{base64url:22}}";
const algoliaAppId = "WRB8YLFW7Y";
const firebaseConfig = { apiKey: "AIza{{base64url:35}}", authDomain: "shop.firebaseapp.com" };  ⟦gcp-api-key⟧
const discordHook = "https://discord.com/api/webhooks/{{digits:18}}/{{base64url:68}}";  ⟦discord-webhook-url⟧
const sessionJwt = "{{jwt}}";  ⟦jwt⟧
export const config = { timeoutMs: 5000, retries: 3, token: undefined as string | undefined };
