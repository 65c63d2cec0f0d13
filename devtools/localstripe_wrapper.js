// MesoPro's wrapper around localstripe's Stripe.js stand-in, served after it, in the same
// function scope, at /js.stripe.com/v3/ by shop/payments/localstripe_server.py
// (development and tests only).
//
// The stand-in's confirmCardPayment never sends the card: it only shows a 3-D Secure
// box. This one behaves like real Stripe.js for the one call the shop makes,
// confirmCardPayment(clientSecret, {payment_method: {card}}):
// - it posts the card element's values as payment_method_data, with the publishable
//   key and the client secret, to /v1/payment_intents/<id>/confirm, form-encoded so the
//   cross-origin request stays "simple" (localstripe answers no preflight);
// - it shows the 3-D Secure box only when the intent then requires action;
// - it resolves {paymentIntent} on success and {error} otherwise (a decline, a failed
//   authentication), with Stripe's error shape and messages.
(() => {
  const standIn = Stripe;

  const AUTHENTICATION_FAILED =
    'We are unable to authenticate your payment method. Please choose a different ' +
    'payment method and try again.';

  const post = async (path, fields) => {
    const response = await fetch(`${LOCALSTRIPE_BASE_API}${path}`, {
      method: 'POST',
      body: new URLSearchParams(fields),
    });
    const body = await response.json().catch(() => ({}));
    return {ok: response.ok && !body.error, body};
  };

  const failure = (body, fallback) =>
    ({error: body.error || {type: 'api_error', message: fallback}});

  // The fields Stripe.js sends for a card element; null when nothing was typed yet.
  const cardFields = (element) => {
    const value = element.value;
    if (!value || !value.card || !value.card.number) {
      return null;
    }
    return {
      'payment_method_data[type]': 'card',
      'payment_method_data[card][number]': value.card.number,
      'payment_method_data[card][exp_month]': value.card.exp_month,
      'payment_method_data[card][exp_year]': value.card.exp_year,
      'payment_method_data[card][cvc]': value.card.cvc,
      'payment_method_data[billing_details][address][postal_code]': value.postal_code,
    };
  };

  Stripe = (publishableKey, options) => {
    const stripe = standIn(publishableKey, options);

    stripe.confirmCardPayment = async (clientSecret, data = {}) => {
      const match = /^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(String(clientSecret));
      if (!match) {
        return {error: {
          type: 'invalid_request_error',
          message: 'Invalid value for confirmCardPayment: clientSecret should be a ' +
                   'client secret of the form ${id}_secret_${secret}.',
        }};
      }
      const path = `/v1/payment_intents/${match[1]}`;
      const fields = {key: publishableKey, client_secret: clientSecret};
      const method = data.payment_method;
      if (typeof method === 'string') {
        fields.payment_method = method;
      } else if (method && method.card) {
        const card = cardFields(method.card);
        if (!card) {
          return {error: {type: 'validation_error', code: 'incomplete_number',
                          message: 'Your card number is incomplete.'}};
        }
        Object.assign(fields, card);
      }

      try {
        let {ok, body} = await post(`${path}/confirm`, fields);
        if (!ok) {
          return failure(body, 'The payment could not be confirmed.');
        }
        if (body.status === 'requires_action') {
          const authenticated = await openModal(
            '3D Secure\nDo you want to confirm or cancel?',
            'Complete authentication', 'Fail authentication');
          ({ok, body} = await post(`${path}/_authenticate`, {
            key: publishableKey,
            client_secret: clientSecret,
            success: String(authenticated),
          }));
          if (!ok) {
            return failure(body, 'The payment could not be authenticated.');
          }
          if (body.status === 'requires_payment_method') {
            return {error: {
              type: 'invalid_request_error',
              code: 'payment_intent_authentication_failure',
              message: AUTHENTICATION_FAILED,
              payment_intent: body,
            }};
          }
        }
        return {paymentIntent: body};
      } catch (err) {
        return {error: {type: 'api_connection_error',
                        message: 'The payment service could not be reached.'}};
      }
    };

    return stripe;
  };
})();
