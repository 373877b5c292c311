package sim

import "math"

// Event types the shop publishes.
const (
	TypeOrderPlaced       = "OrderPlaced"
	TypeOrderCancelled    = "OrderCancelled"
	TypePizzaPrepared     = "PizzaPrepared"
	TypePizzaBoxed        = "PizzaBoxed"
	TypePaymentAuthorized = "PaymentAuthorized"
	TypePaymentFailed     = "PaymentFailed"
	TypeOutForDelivery    = "OutForDelivery"
	TypeOrderDelivered    = "OrderDelivered"
	TypePointsAwarded     = "PointsAwarded"
	TypeKitchenRejected   = "KitchenRejected" // the kitchen branch of an order fails (Faults.BranchFailure)
	TypeRefundFailed      = "RefundFailed"    // the compensation of a declined payment fails (Faults.FailedCompensation)
)

// The data objects below are what each event carries under "data" (or as
// the whole value in the header-only conventions). Every one is keyed by
// orderId and carries the fields its event changes, so folding an order's
// events by JSON merge gives the order's state. Order lifecycle goes in
// "status", the kitchen's in "kitchenStatus", the payment's in
// "paymentStatus".

type customer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type item struct {
	SKU       string  `json:"sku"`
	Name      string  `json:"name"`
	Size      string  `json:"size"`
	Quantity  int     `json:"quantity"`
	UnitPrice float64 `json:"unitPrice"`
}

type orderPlaced struct {
	OrderID         string   `json:"orderId"`
	Status          string   `json:"status"`
	Customer        customer `json:"customer"`
	Items           []item   `json:"items"`
	Total           float64  `json:"total"`
	Currency        string   `json:"currency"`
	DeliveryAddress string   `json:"deliveryAddress"`
	Channel         string   `json:"channel"`
}

type orderCancelled struct {
	OrderID      string `json:"orderId"`
	Status       string `json:"status"`
	CancelReason string `json:"cancelReason"`
}

type pizzaPrepared struct {
	OrderID       string `json:"orderId"`
	KitchenStatus string `json:"kitchenStatus"`
	Chef          string `json:"chef"`
	Oven          int    `json:"oven"`
	Pizzas        int    `json:"pizzas"`
}

type kitchenRejected struct {
	OrderID       string `json:"orderId"`
	KitchenStatus string `json:"kitchenStatus"`
	Reason        string `json:"reason"` // read as the failure reason (diagnose)
}

type pizzaBoxed struct {
	OrderID       string `json:"orderId"`
	KitchenStatus string `json:"kitchenStatus"`
	Boxes         int    `json:"boxes"`
}

type payment struct {
	OrderID       string  `json:"orderId"`
	PaymentStatus string  `json:"paymentStatus"`
	PaymentID     string  `json:"paymentId"`
	CustomerID    string  `json:"customerId"`
	Amount        float64 `json:"amount"`
	Currency      string  `json:"currency"`
	Method        string  `json:"method"`
	FailureReason string  `json:"reason,omitempty"` // read as the failure reason (diagnose)
}

// deadLettered is what payment-service parks on payments.DLT.
type deadLettered struct {
	OrderID       string `json:"orderId"`
	PaymentStatus string `json:"paymentStatus"`
	Error         string `json:"error"`
	Attempts      int    `json:"attempts"`
}

type courier struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Vehicle string `json:"vehicle"`
}

type outForDelivery struct {
	OrderID    string  `json:"orderId"`
	Status     string  `json:"status"`
	Courier    courier `json:"courier"`
	ETAMinutes int     `json:"etaMinutes"`
}

type orderDelivered struct {
	OrderID     string  `json:"orderId"`
	Status      string  `json:"status"`
	DeliveredAt string  `json:"deliveredAt"`
	CustomerID  string  `json:"customerId"`
	Total       float64 `json:"total"`
}

type pointsAwarded struct {
	OrderID       string `json:"orderId"`
	CustomerID    string `json:"customerId"`
	Points        int    `json:"points"`
	PointsBalance int    `json:"pointsBalance"`
}

type menuItem struct {
	code, name string
	price      float64 // medium
}

var menu = []menuItem{
	{"MARG", "Margherita", 9.50},
	{"PEPP", "Pepperoni", 11.00},
	{"QFOR", "Quattro Formaggi", 12.50},
	{"DIAV", "Diavola", 11.50},
	{"FUNG", "Funghi", 10.50},
	{"CAPR", "Capricciosa", 12.00},
	{"HAWA", "Hawaii", 10.00},
	{"VEGG", "Vegetariana", 11.00},
	{"NAPO", "Napoletana", 10.50},
	{"CALZ", "Calzone", 12.00},
}

var sizes = []struct {
	code, name string
	factor     float64
}{{"S", "small", 0.8}, {"M", "medium", 1}, {"L", "large", 1.3}}

var customerNames = []string{
	"Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov",
	"Donald Knuth", "Margaret Hamilton", "Ken Thompson", "Frances Allen", "John McCarthy",
	"Radia Perlman", "Leslie Lamport", "Katherine Johnson", "Niklaus Wirth", "Hedy Lamarr",
	"Tony Hoare", "Karen Spärck Jones", "Dennis Ritchie", "Sophie Wilson", "Rob Pike",
	"Shafi Goldwasser", "Bjarne Stroustrup", "Lynn Conway", "Guido van Rossum", "Anita Borg",
}

var streets = []string{
	"Baker Street", "Via Roma", "Rue de Rivoli", "Kastanienallee", "Calle Mayor",
	"Main Street", "Prinsengracht", "Nowy Świat", "Hauptstraße", "Strandvejen",
}

var chefs = []string{"Giulia", "Marco", "Sofia", "Luca", "Chiara"}

var couriers = []courier{
	{"cou-11", "Sam", "e-bike"}, {"cou-12", "Noor", "scooter"}, {"cou-13", "Jonas", "bike"},
	{"cou-14", "Aiko", "e-bike"}, {"cou-15", "Mateo", "car"}, {"cou-16", "Lena", "scooter"},
}

var channels = []string{"app", "web", "phone", "kiosk"}

var paymentMethods = []string{"card", "card", "card", "paypal", "apple-pay"}

var rejectReasons = []string{"oven out of order", "out of mozzarella", "dough did not rise"}

var declineReasons = []string{"card declined", "insufficient funds", "3-D Secure timeout", "card expired"}

func roundCents(x float64) float64 { return math.Round(x*100) / 100 }
