// The demo shop page: products, language and the signed-in customer. The chat widget listens for
// `daehwa:locale` and `daehwa:customer` events, reads the same localStorage keys, and asks
// `customerToken()` who the shopper is.

const PRODUCTS = [
  { id: 'p101', ko: '오버핏 코튼 반팔 티셔츠', en: 'Oversized Cotton T-Shirt', price: 19900, tone: '#e8e1d7' },
  { id: 'p104', ko: '캐시미어 블렌드 라운드 니트', en: 'Cashmere Blend Crew Knit', price: 59000, tone: '#d9cfc1' },
  { id: 'p201', ko: '와이드 데님 팬츠', en: 'Wide-Leg Denim Jeans', price: 49000, tone: '#b9c6d6' },
  { id: 'p204', ko: '플리츠 미디 스커트', en: 'Pleated Midi Skirt', price: 36000, tone: '#d8c9d6' },
  { id: 'p302', ko: '울 블렌드 롱 코트', en: 'Wool Blend Long Coat', price: 159000, tone: '#c9bfb2' },
  { id: 'p401', ko: '플라워 롱 원피스', en: 'Floral Maxi Dress', price: 54000, tone: '#e6d3cf' },
  { id: 'p501', ko: '클래식 가죽 스니커즈', en: 'Classic Leather Sneakers', price: 89000, tone: '#eeeeea' },
  { id: 'p503', ko: '첼시 부츠', en: 'Chelsea Boots', price: 129000, tone: '#a8998a' },
];

const TEXT = {
  ko: {
    'nav.new': '신상품', 'nav.top': '상의', 'nav.bottom': '하의', 'nav.outer': '아우터', 'nav.shoes': '신발',
    'tools.customer': '로그인 고객', 'tools.guest': '비회원',
    'hero.title': '이번 주 추천 아이템', 'hero.text': '5만원 이상 구매 시 무료배송 · 수령 후 7일 이내 반품 가능',
    footer: '무드앤핏은 daehwa 상담 엔진을 체험하기 위한 가상의 쇼핑몰이에요. 실제 주문은 이루어지지 않아요.',
    'product.ask': '이 상품 문의하기',
  },
  en: {
    'nav.new': 'New in', 'nav.top': 'Tops', 'nav.bottom': 'Bottoms', 'nav.outer': 'Outerwear', 'nav.shoes': 'Shoes',
    'tools.customer': 'Signed in as', 'tools.guest': 'Guest',
    'hero.title': 'Picks of the week', 'hero.text': 'Free shipping over ₩50,000 · Returns within 7 days of delivery',
    footer: 'MOOD&FIT is a made-up shop for trying the daehwa support engine. No real orders are placed.',
    'product.ask': 'Ask about this item',
  },
};

export const LOCALE_KEY = 'daehwa.locale';
const CUSTOMER_KEY = 'daehwa.customer';

let locale = localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'ko';

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

function won(price) {
  return locale === 'ko' ? `${price.toLocaleString('ko-KR')}원` : `₩${price.toLocaleString('en-US')}`;
}

function renderProducts() {
  const grid = document.getElementById('products');
  grid.replaceChildren(
    ...PRODUCTS.map((product) => {
      const card = document.createElement('article');
      card.className = 'product';
      const image = document.createElement('div');
      image.className = 'product-image';
      image.style.background = product.tone;
      const name = document.createElement('h2');
      name.textContent = product[locale];
      const price = document.createElement('p');
      price.className = 'price';
      price.textContent = won(product.price);
      const ask = document.createElement('button');
      ask.type = 'button';
      ask.className = 'ask';
      ask.textContent = TEXT[locale]['product.ask'];
      ask.addEventListener('click', () => {
        document.dispatchEvent(new CustomEvent('daehwa:ask', { detail: { productId: product.id, name: product[locale] } }));
      });
      card.append(image, name, price, ask);
      return card;
    }),
  );
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
  renderProducts();
}

for (const button of document.querySelectorAll('[data-locale]')) {
  button.addEventListener('click', () => {
    locale = button.dataset.locale === 'en' ? 'en' : 'ko';
    localStorage.setItem(LOCALE_KEY, locale);
    applyLocale();
    document.dispatchEvent(new CustomEvent('daehwa:locale', { detail: locale }));
  });
}

const customer = document.getElementById('customer');
customer.value = localStorage.getItem(CUSTOMER_KEY) ?? '';
customer.addEventListener('change', () => {
  localStorage.setItem(CUSTOMER_KEY, customer.value);
  document.dispatchEvent(new CustomEvent('daehwa:customer', { detail: customer.value || null }));
});

applyLocale();
