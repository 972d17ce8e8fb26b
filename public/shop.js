// The demo shop: pages (home, category, product, cart, checkout, orders, help) on hash routes, the
// language and the signed-in customer. Each page it shows is announced to the chat widget as a
// `daehwa:page` event (page type, product, order, help topic, basket value), a basket left alone
// as `daehwa:cart_idle`, a failed checkout as `daehwa:checkout_error`; the widget sends them to
// the server as page events (docs/server.md). The widget also reads the same localStorage keys
// and asks `customerToken()` who the shopper is.

const PRODUCTS = [
  { id: 'p101', ko: '오버핏 코튼 반팔 티셔츠', en: 'Oversized Cotton T-Shirt', price: 19900, tone: '#e8e1d7', category: 'top' },
  { id: 'p104', ko: '캐시미어 블렌드 라운드 니트', en: 'Cashmere Blend Crew Knit', price: 59000, tone: '#d9cfc1', category: 'top' },
  { id: 'p201', ko: '와이드 데님 팬츠', en: 'Wide-Leg Denim Jeans', price: 49000, tone: '#b9c6d6', category: 'bottom' },
  { id: 'p204', ko: '플리츠 미디 스커트', en: 'Pleated Midi Skirt', price: 36000, tone: '#d8c9d6', category: 'bottom' },
  { id: 'p302', ko: '울 블렌드 롱 코트', en: 'Wool Blend Long Coat', price: 159000, tone: '#c9bfb2', category: 'outer' },
  { id: 'p401', ko: '플라워 롱 원피스', en: 'Floral Maxi Dress', price: 54000, tone: '#e6d3cf', category: 'dress' },
  { id: 'p501', ko: '클래식 가죽 스니커즈', en: 'Classic Leather Sneakers', price: 89000, tone: '#eeeeea', category: 'shoes' },
  { id: 'p503', ko: '첼시 부츠', en: 'Chelsea Boots', price: 129000, tone: '#a8998a', category: 'shoes' },
];

/** The demo customers' orders (data/shop/README.md), for the order pages. */
const ORDERS = {
  c1001: ['20261118', '20261101', '20261012'],
  c1002: ['20261115', '20261113', '20261107'],
  c1003: ['20261116', '20261105'],
  c1004: ['20261119', '20261112', '20261109'],
  c1006: ['20261120', '20261114', '20261108'],
  c1007: ['20261121', '20261111'],
};

const TEXT = {
  ko: {
    'nav.new': '신상품', 'nav.top': '상의', 'nav.bottom': '하의', 'nav.outer': '아우터', 'nav.shoes': '신발',
    'nav.help': '반품 안내', 'nav.orders': '주문 내역', 'nav.cart': '장바구니',
    'tools.customer': '로그인 고객', 'tools.guest': '비회원',
    'hero.title': '이번 주 추천 아이템', 'hero.text': '5만원 이상 구매 시 무료배송 · 수령 후 7일 이내 반품 가능',
    footer: '무드앤핏은 daehwa 상담 엔진을 체험하기 위한 가상의 쇼핑몰이에요. 실제 주문은 이루어지지 않아요.',
    'product.ask': '이 상품 문의하기', 'product.add': '장바구니 담기', 'product.added': '장바구니에 담았어요',
    'cart.title': '장바구니', 'cart.empty': '장바구니가 비어 있어요.', 'cart.total': '합계', 'cart.order': '주문하기',
    'checkout.title': '주문/결제', 'checkout.outcome': '결제 결과 (데모)', 'checkout.pay': '결제하기',
    'checkout.ok': '결제가 완료됐어요. 감사합니다!',
    'outcome.ok': '정상 승인', 'outcome.payment_declined': '카드 승인 거절', 'outcome.coupon_rejected': '쿠폰 적용 실패', 'outcome.address_invalid': '배송지 오류',
    'error.payment_declined': '카드 승인이 거절됐어요. 다른 결제 수단을 선택해 주세요.',
    'error.coupon_rejected': '사용할 수 없는 쿠폰이에요.',
    'error.address_invalid': '배송지 주소를 확인해 주세요.',
    'orders.title': '주문 내역', 'orders.guest': '로그인하면 주문 내역을 볼 수 있어요.', 'order.title': '주문 상세', 'order.number': '주문번호',
    'help.returns.title': '반품·교환 안내',
    'help.returns.text': '상품 수령 후 7일 이내에 반품할 수 있어요. 단순 변심 반품 배송비는 3,000원이고, 불량·오배송은 무료예요. 교환 왕복 배송비는 6,000원이에요.',
    'help.shipping.title': '배송 안내',
    'help.shipping.text': '배송비는 3,000원이고 5만원 이상 구매 시 무료예요. 제주·도서산간은 3,000원이 추가돼요. 결제 후 보통 1~3일 안에 받아 보실 수 있어요.',
  },
  en: {
    'nav.new': 'New in', 'nav.top': 'Tops', 'nav.bottom': 'Bottoms', 'nav.outer': 'Outerwear', 'nav.shoes': 'Shoes',
    'nav.help': 'Returns', 'nav.orders': 'My orders', 'nav.cart': 'Basket',
    'tools.customer': 'Signed in as', 'tools.guest': 'Guest',
    'hero.title': 'Picks of the week', 'hero.text': 'Free shipping over ₩50,000 · Returns within 7 days of delivery',
    footer: 'MOOD&FIT is a made-up shop for trying the daehwa support engine. No real orders are placed.',
    'product.ask': 'Ask about this item', 'product.add': 'Add to basket', 'product.added': 'Added to your basket',
    'cart.title': 'Basket', 'cart.empty': 'Your basket is empty.', 'cart.total': 'Total', 'cart.order': 'Check out',
    'checkout.title': 'Checkout', 'checkout.outcome': 'Payment outcome (demo)', 'checkout.pay': 'Pay now',
    'checkout.ok': 'Payment complete. Thank you!',
    'outcome.ok': 'Approved', 'outcome.payment_declined': 'Card declined', 'outcome.coupon_rejected': 'Coupon rejected', 'outcome.address_invalid': 'Invalid address',
    'error.payment_declined': 'Your card was declined. Please choose another payment method.',
    'error.coupon_rejected': 'This coupon cannot be used.',
    'error.address_invalid': 'Please check the delivery address.',
    'orders.title': 'My orders', 'orders.guest': 'Sign in to see your orders.', 'order.title': 'Order details', 'order.number': 'Order number',
    'help.returns.title': 'Returns and exchanges',
    'help.returns.text': 'You can return an item within 7 days of delivery. Return shipping is ₩3,000 for a change of mind and free for defects or wrong items. Exchanges cost ₩6,000 for both ways.',
    'help.shipping.title': 'Shipping',
    'help.shipping.text': 'Shipping is ₩3,000, free from ₩50,000. Jeju and remote islands add ₩3,000. Orders usually arrive 1-3 days after payment.',
  },
};

export const LOCALE_KEY = 'daehwa.locale';
const CUSTOMER_KEY = 'daehwa.customer';
const CART_KEY = 'daehwa.demoCart';
/** The basket counts as left alone after this long without a change. */
const CART_IDLE_MINUTES = 5;

let locale = localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'ko';
let cartIdleTimer;

/**
 * The token that says which customer is signed in. A real shop's site signs it on its own server
 * (docs/server.md); this demo asks the development endpoint, which exists only where daehwa
 * trusts customer ids anyway. Undefined for a guest.
 */
export async function customerToken() {
  const customerId = localStorage.getItem(CUSTOMER_KEY);
  if (!customerId) return undefined;
  try {
    const response = await fetch('/api/dev/customer-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId }),
    });
    return response.ok ? (await response.json()).customerToken : undefined;
  } catch {
    return undefined;
  }
}

const t = (key) => TEXT[locale][key] ?? key;

function won(price) {
  return locale === 'ko' ? `${price.toLocaleString('ko-KR')}원` : `₩${price.toLocaleString('en-US')}`;
}

function cart() {
  try {
    const items = JSON.parse(localStorage.getItem(CART_KEY) ?? '[]');
    return Array.isArray(items) ? items.filter((id) => PRODUCTS.some((p) => p.id === id)) : [];
  } catch {
    return [];
  }
}

function cartValue() {
  return cart().reduce((sum, id) => sum + (PRODUCTS.find((p) => p.id === id)?.price ?? 0), 0);
}

function announce(name, detail) {
  document.dispatchEvent(new CustomEvent(name, { detail }));
}

function armCartIdle() {
  clearTimeout(cartIdleTimer);
  if (cart().length === 0) return;
  cartIdleTimer = setTimeout(() => announce('daehwa:cart_idle', { minutes: CART_IDLE_MINUTES, cartValue: cartValue() }), CART_IDLE_MINUTES * 60_000);
}

function addToCart(id) {
  localStorage.setItem(CART_KEY, JSON.stringify([...cart(), id]));
  armCartIdle();
}

function node(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'onclick') element.addEventListener('click', value);
    else if (key === 'style') element.style.background = value;
    else if (key in element) element[key] = value;
    else element.setAttribute(key, value);
  }
  element.append(...children);
  return element;
}

function productCard(product) {
  const ask = node('button', { type: 'button', className: 'ask', textContent: t('product.ask') });
  ask.addEventListener('click', (event) => {
    event.preventDefault();
    announce('daehwa:ask', { productId: product.id, name: product[locale] });
  });
  return node(
    'a',
    { className: 'product', href: `#/product/${product.id}` },
    node('div', { className: 'product-image', style: product.tone }),
    node('h2', { textContent: product[locale] }),
    node('p', { className: 'price', textContent: won(product.price) }),
    ask,
  );
}

function grid(products) {
  return node('section', { className: 'products', id: 'products' }, ...products.map(productCard));
}

/** Each route renders the page and says what it is, for the widget. */
const ROUTES = [
  [/^#?\/?$/, () => [[node('section', { className: 'hero' }, node('h1', { textContent: t('hero.title') }), node('p', { textContent: t('hero.text') })), grid(PRODUCTS)], { page: 'home' }]],
  [/^#\/category\/(\w+)$/, ([, category]) => [[node('h1', { textContent: t(`nav.${category}`) }), grid(PRODUCTS.filter((p) => p.category === category))], { page: 'category', category }]],
  [
    /^#\/product\/(\w+)$/,
    ([, id]) => {
      const product = PRODUCTS.find((p) => p.id === id);
      if (!product) return null;
      const note = node('p', { className: 'note', id: 'cart-note' });
      const add = node('button', { type: 'button', id: 'add-to-cart', className: 'primary', textContent: t('product.add') });
      add.addEventListener('click', () => {
        addToCart(product.id);
        note.textContent = t('product.added');
      });
      const detail = node(
        'section',
        { className: 'product-detail' },
        node('div', { className: 'product-image', style: product.tone }),
        node('div', {}, node('h1', { textContent: product[locale] }), node('p', { className: 'price', textContent: won(product.price) }), add, note),
      );
      return [[detail], { page: 'product', productId: product.id, category: product.category }];
    },
  ],
  [
    /^#\/cart$/,
    () => {
      const items = cart().map((id) => PRODUCTS.find((p) => p.id === id));
      const body = items.length === 0
        ? [node('p', { textContent: t('cart.empty') })]
        : [
            node('ul', { className: 'cart-lines' }, ...items.map((p) => node('li', { textContent: `${p[locale]} · ${won(p.price)}` }))),
            node('p', { className: 'price', textContent: `${t('cart.total')} ${won(cartValue())}` }),
            node('a', { className: 'primary', href: '#/checkout', id: 'to-checkout', textContent: t('cart.order') }),
          ];
      return [[node('h1', { textContent: t('cart.title') }), ...body], { page: 'cart' }];
    },
  ],
  [
    /^#\/checkout$/,
    () => {
      const outcome = node('select', { id: 'checkout-outcome' }, ...['ok', 'payment_declined', 'coupon_rejected', 'address_invalid'].map((code) => node('option', { value: code, textContent: t(`outcome.${code}`) })));
      const result = node('p', { className: 'note', id: 'checkout-result', role: 'alert' });
      const pay = node('button', { type: 'button', id: 'pay', className: 'primary', textContent: t('checkout.pay') });
      pay.addEventListener('click', () => {
        const code = outcome.value;
        if (code === 'ok') {
          result.textContent = t('checkout.ok');
          return;
        }
        result.textContent = t(`error.${code}`);
        announce('daehwa:checkout_error', { code, cartValue: cartValue() });
      });
      return [[node('h1', { textContent: t('checkout.title') }), node('p', { className: 'price', textContent: `${t('cart.total')} ${won(cartValue())}` }), node('label', {}, `${t('checkout.outcome')} `, outcome), pay, result], { page: 'checkout' }];
    },
  ],
  [
    /^#\/orders$/,
    () => {
      const orders = ORDERS[localStorage.getItem(CUSTOMER_KEY) ?? ''] ?? [];
      const body = orders.length === 0 ? [node('p', { textContent: t('orders.guest') })] : [node('ul', {}, ...orders.map((n) => node('li', {}, node('a', { href: `#/order/${n}`, textContent: `${t('order.number')} ${n}` }))))];
      return [[node('h1', { textContent: t('orders.title') }), ...body], { page: 'order' }];
    },
  ],
  [/^#\/order\/(\d+)$/, ([, orderNumber]) => [[node('h1', { textContent: t('order.title') }), node('p', { textContent: `${t('order.number')} ${orderNumber}` })], { page: 'order', orderNumber }]],
  [/^#\/help\/(returns|shipping)$/, ([, topic]) => [[node('h1', { textContent: t(`help.${topic}.title`) }), node('p', { textContent: t(`help.${topic}.text`) })], { page: 'help', topic }]],
];

function render() {
  const hash = location.hash || '#/';
  for (const [pattern, build] of ROUTES) {
    const match = hash.match(pattern);
    const built = match && build(match);
    if (!built) continue;
    const [children, page] = built;
    document.getElementById('view').replaceChildren(...children);
    const value = cartValue();
    announce('daehwa:page', { ...page, ...(value > 0 ? { cartValue: value } : {}) });
    return;
  }
  location.hash = '#/';
}

/** The page the shopper is on, for a widget that connects after it was announced. */
export function currentPage() {
  const hash = location.hash || '#/';
  for (const [pattern, build] of ROUTES) {
    const match = hash.match(pattern);
    const built = match && build(match);
    if (built) return built[1];
  }
  return { page: 'home' };
}

function applyLocale() {
  document.documentElement.lang = locale;
  for (const element of document.querySelectorAll('[data-i18n]')) {
    const text = TEXT[locale][element.dataset.i18n];
    if (text) element.textContent = text;
  }
  for (const button of document.querySelectorAll('[data-locale]')) {
    button.setAttribute('aria-pressed', String(button.dataset.locale === locale));
  }
}

for (const button of document.querySelectorAll('[data-locale]')) {
  button.addEventListener('click', () => {
    locale = button.dataset.locale === 'en' ? 'en' : 'ko';
    localStorage.setItem(LOCALE_KEY, locale);
    applyLocale();
    render();
    document.dispatchEvent(new CustomEvent('daehwa:locale', { detail: locale }));
  });
}

const customer = document.getElementById('customer');
customer.value = localStorage.getItem(CUSTOMER_KEY) ?? '';
customer.addEventListener('change', () => {
  localStorage.setItem(CUSTOMER_KEY, customer.value);
  document.dispatchEvent(new CustomEvent('daehwa:customer', { detail: customer.value || null }));
  render();
});

window.addEventListener('hashchange', render);
applyLocale();
armCartIdle();
// The widget loads after this module: it reads currentPage() when it connects, and hears every page after.
render();
