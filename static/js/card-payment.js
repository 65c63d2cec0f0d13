// Pays an order's PaymentIntent with Stripe.js's card element.
//
// It calls only Stripe(pk), elements(), create('card'), mount and
// confirmCardPayment(clientSecret, {payment_method: {card}}), and reads both
// result.error and result.paymentIntent.status, so it works unchanged on Stripe.js
// and on the local Stripe server's stand-in (shop/payments/localstripe_server.py).
//
// Markup (templates/macros/payment.html): a form[data-card-payment] with
//   data-stripe-key     the publishable key
//   data-client-secret  the PaymentIntent's client secret
//   data-return-url     where to go once paid; ?payment_intent=<id> is added, and that
//                       page asks Stripe for the intent (a redirect proves nothing)
// holding [data-card-element], [data-card-errors] (role=alert) and a submit button.
(() => {
  const form = document.querySelector('form[data-card-payment]');
  if (!form) {
    return;
  }
  const errors = form.querySelector('[data-card-errors]');
  const button = form.querySelector('button[type="submit"]');
  const show = (message) => {
    errors.textContent = message;
  };
  const busy = (paying) => {
    button.disabled = paying;
    form.setAttribute('aria-busy', String(paying));
  };

  if (typeof Stripe !== 'function') {
    busy(true);
    show('The card form could not be loaded. Please reload the page to pay.');
    return;
  }
  const stripe = Stripe(form.dataset.stripeKey);
  const card = stripe.elements().create('card');
  card.mount(form.querySelector('[data-card-element]'));

  // Paid, or paid pending the bank: the return page follows it up with Stripe.
  const DONE = new Set(['succeeded', 'processing', 'requires_capture']);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button.disabled) {
      return;
    }
    busy(true);
    show('');
    let result;
    try {
      result = await stripe.confirmCardPayment(form.dataset.clientSecret, {
        payment_method: {card},
      });
    } catch (error) {
      result = {error: {message: 'The payment could not be sent. Please try again.'}};
    }
    const intent = result.paymentIntent;
    if (!result.error && intent && DONE.has(intent.status)) {
      const next = new URL(form.dataset.returnUrl, window.location.href);
      next.searchParams.set('payment_intent', intent.id);
      window.location.assign(next.toString());
      return; // the button stays disabled while the browser leaves
    }
    show(result.error
      ? result.error.message
      : `The payment was not completed (${intent ? intent.status : 'no answer'}). Please try again.`);
    busy(false);
  });
})();
